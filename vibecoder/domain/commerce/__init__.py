"""Commerce: checkout, fulfilment, licenses, downloads, the ledger, payouts and gateways."""
