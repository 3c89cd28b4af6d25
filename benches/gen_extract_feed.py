#!/usr/bin/env python3
"""An RSS 2.0 feed of N items for benches/compare_extract.sh: the real headlines and bodies of
tests/fixtures/extract/corpus.toml (test data) cycled, each with its own link and date, and
one item in three a headline that is no quota news, as in a general news feed. Descriptions
are HTML in CDATA, as WordPress feeds (Mining.com's, domain.md §3) deliver them.

    python3 benches/gen_extract_feed.py N OUT
"""
import sys
import tomllib
from datetime import date, timedelta
from xml.sax.saxutils import escape

n, out = int(sys.argv[1]), sys.argv[2]
with open("tests/fixtures/extract/corpus.toml", "rb") as f:
    cases = tomllib.load(f)["case"]
# Headlines of domain.md §5 and §3 that match no quota keyword.
other = [
    "Benchmark begins public consultation on increasing frequency for rare earth prices to every two weeks",
    "Where did hvper news come from?",
    "China Daily RSS feeds",
]
start = date(2008, 1, 1)
with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>bench</title>'
            '<link>https://example.org/</link><description>generated</description>\n')
    for i in range(n):
        day = start + timedelta(days=i % 6000)
        if i % 3 == 2:
            title, body = other[i % len(other)], ""
        else:
            case = cases[i % len(cases)]
            title, body = case["title"], case.get("body", "") or case.get("summary", "")
        f.write(f"<item><title>{escape(title)}</title><link>https://example.org/item/{i}</link>"
                f"<guid>https://example.org/item/{i}</guid>"
                f"<pubDate>{day.strftime('%a, %d %b %Y')} 08:00:00 GMT</pubDate>"
                f"<description><![CDATA[<p>{escape(body)}</p>]]></description></item>\n")
    f.write("</channel></rss>\n")
