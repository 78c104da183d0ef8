from loglens import parse, summarise

LOG = [
    '1.1.1.1 - - [20/Nov/2026:10:00:01 +0000] "GET /a?x=1 HTTP/1.1" 200 5 "-" "ua" 0.100',
    '1.1.1.1 - - [20/Nov/2026:10:00:02 +0000] "GET /a HTTP/1.1" 503 5 "-" "ua" 0.300',
    'garbage line',
]


def test_parses_and_strips_query():
    entries = list(parse(LOG))
    assert [e["path"] for e in entries] == ["/a", "/a"]


def test_summary_numbers():
    report = summarise(parse(LOG))
    assert report["requests"] == 2
    assert report["status"] == {"2xx": 1, "5xx": 1}
    assert report["slowest"] == [("/a", 0.2)]
    assert report["error_rate"] == 0.5
