"""Deduplicate CSV rows by key columns (case- and whitespace-insensitive)."""

import argparse
import csv
import sys


def normalise(value):
    return " ".join(value.split()).casefold()


def dedupe(rows, keys, keep="first", newest_by=None):
    chosen, order = {}, []
    for row in rows:
        missing = [k for k in keys if k not in row]
        if missing:
            raise KeyError(f"missing column(s): {', '.join(missing)}")
        key = tuple(normalise(row[k]) for k in keys)
        if key not in chosen:
            chosen[key] = row
            order.append(key)
        elif keep == "last" or (newest_by and row[newest_by] > chosen[key][newest_by]):
            chosen[key] = row
    return [chosen[k] for k in order]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--key", action="append", required=True, help="key column (repeatable)")
    parser.add_argument("--keep", choices=["first", "last"], default="first")
    parser.add_argument("--newest-by", help="keep the row with the largest value in this column")
    args = parser.parse_args(argv)
    reader = csv.DictReader(sys.stdin)
    try:
        rows = dedupe(reader, args.key, args.keep, args.newest_by)
    except KeyError as error:
        sys.exit(str(error))
    writer = csv.DictWriter(sys.stdout, fieldnames=reader.fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    print(f"kept {len(rows)} unique rows", file=sys.stderr)


if __name__ == "__main__":
    main()
