#!/usr/bin/env python3
"""The report pages in a real browser (headless Chromium).

Fits three examples with --report (traces refined, spikes, a multi-objective
fit with a penalty), opens each page in Chromium, and checks that the page
logs nothing to the console and that its DOM has the structure the report
promises: the sections, the number of plots, the series each plot names,
axis labels with units, nothing fetched from elsewhere. A control page that
does log to the console proves the check can fail. Screenshots are left in
the work folder for people to look at; nothing here is timed.

Usage: report_browser_test.py --cellfit BUILD/cellfit --chromium chromium
       --source REPOSITORY --work FOLDER
"""

import argparse
import html.parser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAILED: " + message)


class Dom(html.parser.HTMLParser):
    """The page's plots (svg.plot with their series and axis labels) and sections."""

    def __init__(self):
        super().__init__()
        self.plots = []      # dicts: id, series_attribute, series (names), axis_labels, section
        self.sections = []
        self.external = []   # attributes that would fetch something
        self._stack = []     # (tag, plot index or None, reading axis label)
        self._section = None
        self._label = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        plot = self._stack[-1][1] if self._stack else None
        for key in ("src", "href"):
            if key in a and not (a[key] or "").startswith("#"):
                self.external.append(tag + " " + key + "=" + str(a[key]))
        if tag == "link" or (tag == "script" and "src" in a):
            self.external.append(tag)
        if tag == "section":
            self._section = a.get("id")
            self.sections.append(self._section)
        if tag == "svg" and "plot" in classes:
            self.plots.append({"id": a.get("id"), "series_attribute": int(a.get("data-series", "-1")),
                               "series": [], "axis_labels": [], "section": self._section})
            plot = len(self.plots) - 1
        if tag == "g" and "series" in classes and plot is not None:
            self.plots[plot]["series"].append(a.get("data-name", ""))
        if tag == "text" and "axis-label" in classes and plot is not None:
            self._label = [plot, ""]
        if tag not in ("br", "meta", "input", "img", "link", "hr"):
            self._stack.append((tag, plot))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag == "text" and self._label:
            self.plots[self._label[0]]["axis_labels"].append(self._label[1])
            self._label = None
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._label is not None:
            self._label[1] += data


def chromium(args, page, extra):
    profile = os.path.join(args.work, "profile")
    command = [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
               "--user-data-dir=" + profile] + extra + ["file://" + os.path.abspath(page)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done, console


def open_page(args, page, width=1100, height=2400):
    """The page's DOM after loading, its console messages, and a screenshot."""
    done, console = chromium(args, page, ["--dump-dom"])
    check(done.returncode == 0, page + ": chromium exited with " + str(done.returncode) + "\n" + done.stderr[-2000:])
    shot, shot_console = chromium(args, page, ["--screenshot=" + page[:-5] + ".png", "--window-size=%d,%d" % (width, height)])
    check(shot.returncode == 0, page + ": the screenshot failed")
    dom = Dom()
    dom.feed(done.stdout)
    return dom, console + shot_console


def fit(args, name, flags):
    page = os.path.join(args.work, name + ".html")
    command = [args.cellfit, "fit"] + flags + ["--results", os.path.join(args.work, name + ".json"),
                                               "--report", page, "--callback", "none", "--threads", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(name + ": the fit failed:\n" + done.stdout + done.stderr)
    return page


def well_formed_svgs(name, raw):
    """Each <svg> as the page holds it is well-formed XML (the browser's DOM
    would hide a repaired one)."""
    svgs = re.findall(r"<svg\b.*?</svg>", raw, flags=re.S)
    check(len(svgs) > 0, name + ": no SVG in the page")
    for svg in svgs:
        try:
            ElementTree.fromstring(svg)
        except ElementTree.ParseError as e:
            check(False, "%s: an SVG is not well-formed XML (%s): %s..." % (name, e, svg[:200]))
            break


def common_checks(name, dom, console, raw):
    well_formed_svgs(name, raw)
    check(not console, name + ": the browser's console has messages: " + "; ".join(console))
    check(not dom.external, name + ": the page fetches " + ", ".join(dom.external))
    check(re.search(r"https?://(?!www\.w3\.org/2000/svg)", raw) is None, name + ": the page names a web address")
    for p in dom.plots:
        check(p["series_attribute"] == len(p["series"]),
              "%s: plot %s says %d series but has %d" % (name, p["id"], p["series_attribute"], len(p["series"])))
        check(len(p["series"]) >= 1, "%s: plot %s draws nothing" % (name, p["id"]))
        check(len(p["axis_labels"]) >= 2 and all(label.strip() for label in p["axis_labels"]),
              "%s: plot %s lacks axis labels: %s" % (name, p["id"], p["axis_labels"]))
    for section in ("summary", "parameters", "convergence", "samples"):
        check(section in dom.sections, name + ": no section " + section)


def plots_in(dom, section):
    return [p for p in dom.plots if p["section"] == section]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cellfit", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    examples = os.path.join(args.source, "examples")

    # The check can fail: a page that logs to its console is caught.
    control = os.path.join(args.work, "control.html")
    with open(control, "w") as f:
        f.write('<!DOCTYPE html><html><body><script>console.error("control message")</script></body></html>')
    _, console = chromium(args, control, ["--dump-dom"])
    if not any("control message" in line for line in console):
        sys.exit("the console check cannot see console messages: chromium's logging changed")

    # Traces, refined: 5 traces with residuals, convergence, 4 parameters, the correlations.
    hh = fit(args, "hh", ["--config", os.path.join(examples, "hh-traces", "fit.ini"), "--rounds", "6", "--refine"])
    dom, console = open_page(args, hh, height=5200)
    common_checks("hh", dom, console, open(hh).read())
    traces = plots_in(dom, "traces")
    check(len(traces) == 10, "hh: %d trace plots, not 5 traces and 5 residuals" % len(traces))
    for p in traces[0::2]:
        check(p["series"][:2] == ["recorded", "fitted"], "hh: a trace plot's series are " + str(p["series"]))
        check(p["axis_labels"] == ["time (ms)", "v (mV)"], "hh: a trace plot's axes are " + str(p["axis_labels"]))
    for p in traces[1::2]:
        check(p["axis_labels"] == ["time (ms)", "residual (mV)"], "hh: a residual plot's axes are " + str(p["axis_labels"]))
    convergence = plots_in(dom, "convergence")
    check(len(convergence) == 2, "hh: %d convergence plots" % len(convergence))
    check(all(p["series"] == ["best in the round", "best so far"] for p in convergence), "hh: convergence series")
    check(all("log scale" in p["axis_labels"][1] and "mV^2" in p["axis_labels"][1] for p in convergence),
          "hh: the convergence's error axis is " + str([p["axis_labels"] for p in convergence]))
    samples = plots_in(dom, "samples")
    check(sorted(p["axis_labels"][0] for p in samples) == ["Cm (pF)", "g_kd (uS)", "g_na (uS)", "gl (nS)"],
          "hh: the parameter plots' x axes are " + str([p["axis_labels"] for p in samples]))
    check(len(plots_in(dom, "correlation")) == 1, "hh: no correlation heatmap")
    # The results file alone makes the same page again.
    again = os.path.join(args.work, "hh-again.html")
    done = subprocess.run([args.cellfit, "report", hh[:-5] + ".json", "--out", again], capture_output=True, text=True,
                          timeout=300)
    check(done.returncode == 0 and open(again).read() == open(hh).read(),
          "hh: cellfit report made another page from the results file: " + done.stderr)
    check("pareto" not in dom.sections, "hh: a Pareto front for a single objective")

    # Spikes: the raster pairs recorded and fitted spikes.
    spikes = fit(args, "spikes", ["--config", os.path.join(examples, "if-spikes", "fit.ini"), "--rounds", "6"])
    dom, console = open_page(args, spikes, height=2600)
    common_checks("spikes", dom, console, open(spikes).read())
    raster = plots_in(dom, "spikes")
    check(len(raster) == 1, "spikes: %d raster plots" % len(raster))
    if raster:
        check(raster[0]["series"] == ["coincident (within 2 ms)", "recorded only", "fitted only"],
              "spikes: the raster's series are " + str(raster[0]["series"]))
        check(raster[0]["axis_labels"][0] == "time (ms)", "spikes: the raster's time axis is " + raster[0]["axis_labels"][0])
    check("traces" not in dom.sections, "spikes: a trace section in a spike fit")

    # Multi-objective, with a penalty: the Pareto front of the two objectives.
    model = os.path.join(args.work, "hh_penalty.eqs")
    with open(os.path.join(examples, "models", "hh_traub.eqs")) as source, open(model, "w") as out:
        out.write(source.read() + "leak_cost = (gl/(10*nS))**2*mV**2 : volt**2\n")
    multi = fit(args, "multi", ["--config", os.path.join(examples, "hh-traces", "fit.ini"), "--model", model,
                                "--penalty", "leak_cost", "--multi-objective", "--optimizer", "pagmo.nsga2",
                                "--rounds", "4"])
    dom, console = open_page(args, multi, height=4600)
    common_checks("multi", dom, console, open(multi).read())
    front = plots_in(dom, "pareto")
    check(len(front) == 1, "multi: %d Pareto plots for two objectives" % len(front))
    if front:
        check("Pareto front" in front[0]["series"], "multi: the front's series are " + str(front[0]["series"]))
        check(front[0]["axis_labels"][0].startswith("v (") and front[0]["axis_labels"][1].startswith("penalty ("),
              "multi: the front's axes are " + str(front[0]["axis_labels"]))

    if failures:
        sys.exit("%d checks failed" % len(failures))
    print("the report pages pass in chromium; screenshots in " + args.work)


if __name__ == "__main__":
    main()
