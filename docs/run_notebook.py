"""Execute the docs notebook, save it as HTML, and check what a reader sees in headless Chromium.

Run from the repository root (``.ci/run`` does, after the tests)::

    python docs/run_notebook.py --out OUTDIR

Steps: execute ``docs/chengdu_chongqing.ipynb`` in a fresh ``python3`` kernel
(nbclient; any cell error fails the run), export it with nbconvert's HTML
exporter, check the page holds tables, LaTeX output and PNG figures, then load
it in headless Chromium: a screenshot (``OUTDIR/chengdu_chongqing.png``) that
must not be blank, and the DOM after MathJax ran. MathJax comes from a local copy
(Debian's ``libjs-mathjax``, ``/usr/share/javascript/mathjax``) when installed, so
the formulas are typeset offline; without it the page links the CDN copy and
the typesetting check is skipped (said on standard output). Without Chromium the
browser checks are skipped the same way. Needs the ``notebook`` packages:
nbclient, nbconvert, ipykernel (and pandas, xarray, matplotlib, which the notebook uses).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "chengdu_chongqing.ipynb"
LOCAL_MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--allow-file-access-from-files"]
MAX_SECONDS = 120.0   # the notebook runs in about 10-20 s; a guard against a sweep or a solve gone slow


def execute(path: Path, timeout: int = 300) -> tuple[object, float]:
    """The executed notebook (nbclient, kernel ``python3``, working directory ``docs/``) and its wall time."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    return nb, time.perf_counter() - start


def to_html(nb: object, mathjax: Path | None) -> str:
    """The notebook as one self-contained HTML page (figures inline as base64 PNG)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    if mathjax is not None:
        exporter.mathjax_url = mathjax.as_uri() + "?config=TeX-AMS_CHTML-full,Safe"
    body, _ = exporter.from_notebook_node(nb)
    return body


def check_html(page: str) -> dict[str, int]:
    """Counts of what the page must show; raises AssertionError naming what is missing."""
    found = {
        "tables": len(re.findall(r"<table", page)),
        "png_figures": len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)),
        "latex_outputs": len(re.findall(r'data-mime-type="text/latex"', page)),
        "errors": len(re.findall(r'data-mime-type="application/vnd.jupyter.stderr"|class="[^"]*jp-OutputArea-'
                                 r'output[^"]*"[^>]*data-mime-type="application/vnd.jupyter.error"', page)),
    }
    assert found["tables"] >= 8, f"expected the notebook's tables in the page; found {found}"
    assert found["png_figures"] >= 3, f"expected at least 3 PNG figures (<img> data URIs); found {found}"
    assert found["latex_outputs"] >= 1, f"expected the symbolic game as LaTeX output; found {found}"
    assert r"\text{is an ESS}" in page, "the ESS conditions' LaTeX (shown after their table) is not in the page"
    assert "MathJax" in page, "the page does not load MathJax"
    assert "Traceback" not in page, "a cell printed a traceback"
    return found


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browse(html_path: Path, shot: Path, *, typeset: bool) -> dict[str, object]:
    """Screenshot the page and read its DOM after scripts ran; checks the screenshot is not blank and, with a local
    MathJax, that the formulas were typeset."""
    chromium = _chromium()
    if chromium is None:
        print("skipped: headless Chromium is not installed (apt-get install chromium)")
        return {"browser": "skipped"}
    with tempfile.TemporaryDirectory() as profile:
        common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000"]
        subprocess.run([*common, "--window-size=1200,7200", "--hide-scrollbars", f"--screenshot={shot}",
                        html_path.as_uri()], capture_output=True, timeout=180, check=True)
        dom = subprocess.run([*common, "--dump-dom", html_path.as_uri()], capture_output=True, text=True,
                             timeout=180, check=True).stdout
    import numpy as np
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    inked = float(np.mean(pixels.min(axis=2) < 0.9))   # share of pixels that are not (near) white
    assert 0.02 < inked < 0.9, f"the screenshot looks blank or black (inked share {inked:.3f})"
    out: dict[str, object] = {"screenshot": str(shot), "inked": round(inked, 3)}
    rendered = len(re.findall(r'class="[^"]*\bMathJax_CHTML\b[^"]*"', dom))
    out["typeset_formulas"] = rendered
    if typeset:
        assert rendered >= 2, "MathJax did not typeset the LaTeX outputs in the browser"
    else:
        print("skipped: typesetting check (no local MathJax; apt-get install libjs-mathjax)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a new temporary folder)")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="coopgame-notebook-"))
    out.mkdir(parents=True, exist_ok=True)
    nb, seconds = execute(args.notebook)
    mathjax = LOCAL_MATHJAX if LOCAL_MATHJAX.exists() else None
    page = to_html(nb, mathjax)
    html_path = out / (args.notebook.stem + ".html")
    html_path.write_text(page, encoding="utf-8")
    report: dict[str, object] = {"executed_seconds": round(seconds, 1), "html": str(html_path), **check_html(page)}
    report.update(browse(html_path, out / (args.notebook.stem + ".png"), typeset=mathjax is not None))
    print(json.dumps(report, indent=1))
    if seconds > MAX_SECONDS:
        print(f"the notebook took {seconds:.0f} s to execute (limit {MAX_SECONDS:.0f} s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
