"""HTML reports: what a reader sees in a real browser (headless Chromium).

Needs Chromium and matplotlib (the page's figures and reading the screenshot): these tests
live here so that the other report tests run without them. The test skips, with the reason,
where Chromium is not installed; CI (.ci/run) installs it.
"""

import re
import shutil
import subprocess

import numpy as np
import pytest

from tests.oracles import requires

pytestmark = [pytest.mark.oracle, requires("matplotlib")]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium is not installed (CI installs it with apt-get install chromium)")


_PROBE = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const ok = imgs.filter(i => i.complete && i.naturalWidth > 100 && i.naturalHeight > 100);
  document.body.setAttribute("data-images", imgs.length + "/" + ok.length);
  const rows = [...document.querySelectorAll("table tr")].map(r => r.innerText.replace(/\\s+/g, " "));
  document.body.setAttribute("data-visible-rows", rows.filter(t => t.length).length);
});
</script></body>"""


@pytest.mark.slow  # 1.2-2.3 s with its fixture: two Chromium launches
def test_report_renders_in_headless_chromium(two_city_report, tmp_path):
    chromium = _chromium()
    probe = tmp_path / "probe.html"
    probe.write_text(two_city_report.read_text(encoding="utf-8").replace("</body>", _PROBE), encoding="utf-8")
    profile = tmp_path / "profile"
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    seen = dom.stdout
    # What a reader sees: the title, the tables with the worked check's values, decoded figures.
    assert "<title>Two cities cooperate under central reward and penalty - coopgame report</title>" in seen
    assert 'data-images="2/2"' in seen  # both figures decoded by the browser, with real sizes
    rows = int(re.search(r'data-visible-rows="(\d+)"', seen).group(1))
    assert rows > 20
    assert "stag hunt" in seen
    assert "(0.75, 0.75)" in seen and "saddle" in seen  # the interior rest point of MODELS.md BM1
    assert "Where the numbers come from" in seen and "modeling choice" in seen
    shot = tmp_path / "page.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1100,1400",
                    f"--screenshot={shot}", two_city_report.as_uri()], capture_output=True, timeout=120, check=True)
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    inked = np.mean(pixels.min(axis=2) < 0.9)  # share of pixels that are not (near) white
    assert 0.03 < inked < 0.9  # a page with text and figures, not a blank or black screen
