#!/usr/bin/env python3
"""The baseline of benches/compare_extract.sh: feedparser merely parsing the feed (no
extraction at all), printing the number of entries it read."""
import sys

import feedparser

with open(sys.argv[1], "rb") as f:
    parsed = feedparser.parse(f.read())
print(len(parsed.entries))
