#!/usr/bin/env python3
"""How long headless Chromium takes to open and draw the report pages that
bench_report_page writes (the HH-sized page is the baseline), the median of
five screenshots each, with the ratio to the baseline.

Usage: bench/report/open_pages.py [BUILD_DIR]   (default: build)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
work = tempfile.mkdtemp(prefix="cellfit-report-bench-")
subprocess.run([os.path.join(build, "bench", "bench_report_page"), work], check=True)


def open_seconds(page):
    times = []
    for _ in range(5):
        start = time.monotonic()
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--user-data-dir=" + os.path.join(work, "profile"),
                        "--screenshot=" + page + ".png", "--window-size=1100,2000", "file://" + page],
                       check=True, capture_output=True)
        times.append(time.monotonic() - start)
    return statistics.median(times)


baseline = open_seconds(os.path.join(work, "small.html"))
large = open_seconds(os.path.join(work, "large.html"))
print("\nchromium, open and screenshot (median of 5):")
print("  small page %.2f s (baseline), large page %.2f s: ratio %.2f" % (baseline, large, large / baseline))
