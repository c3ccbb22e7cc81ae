"""Issue 15's "Done when", end to end, as a new community's IT volunteer goes through it.

From an empty folder: ``python -m civicpress init 新社区``, ``python build.py``; a figure added
to stats.yaml shows on the stats page; ``python build.py deploy`` publishes the site to a real
SSH server started here (paramiko's own server: ``tests/sftp_server.py``); after one edit a
second deploy uploads only the files whose bytes changed, counted. Every step is the real
command in a real process. The web-quality harness on the same site is the slow test below.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import html5lib
import paramiko
import pytest
from sftp_server import SftpServer

from civicpress.deploy import MANIFEST

ROOT = Path(__file__).resolve().parent.parent
ENV = {**{k: v for k, v in os.environ.items() if k != "CIVICPRESS_DEPLOY_PASSWORD"},
       "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "SOURCE_DATE_EPOCH": "1735689600"}
WEBCHECK = Path(os.environ.get("WEBCHECK_HOME", Path.home() / ".cache" / "webcheck")) / "webcheck.sh"
# The one warning that belongs to the machine, not the site: a bare machine has no print fonts.
MACHINE_FONT_WARNING = re.compile(r"警告：没有找到仿宋字体[^\n]*\n(?:[ \t]+提示：[^\n]*\n)?")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    about_the_site = MACHINE_FONT_WARNING.sub("", proc.stderr)
    assert "警告" not in about_the_site and "错误" not in about_the_site, proc.stderr
    return proc


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_new_community(folder: Path) -> Path:
    assert not any(folder.iterdir())  # an empty folder
    run(["-m", "civicpress", "init", "新社区"], folder)
    site = folder / "新社区"
    run(["build.py"], site)
    return site


def add_a_figure(site: Path) -> None:
    """What the editor does, as stats.yaml's comment says: the number above, a line in a group below."""
    stats = site / "content" / "_data" / "stats.yaml"
    text = stats.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^volunteer_teams: .*$", lambda m: m.group(0) + "\nelderly_80: 317   # 八十岁以上老人", text,
                  count=1)
    text = re.sub(r"(?m)^(\s+)- \{label: 为居民解决实际问题.*$",
                  lambda m: m.group(0) + f"\n{m.group(1)}- {{label: 八十岁以上老人, value: elderly_80, unit: 人}}",
                  text, count=1)
    stats.write_text(text, encoding="utf-8")


def figure_on_stats_page(site: Path, label: str) -> str | None:
    """The text of the stats page's element that names ``label`` together with a number."""
    page = site / "output" / "stats" / "index.html"
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    for element in tree.iter():
        text = "".join(element.itertext())
        if label in text and len(text) < len(label) + 12 and re.search(r"\d", text):
            return text
    return None


@pytest.mark.slow  # eight real commands in real processes: about ten seconds
def test_a_new_community_starts_shows_its_figure_and_publishes_only_what_changed(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    site = start_new_community(tmp_path / "empty")
    assert figure_on_stats_page(site, "八十岁以上老人") is None

    add_a_figure(site)
    rebuilt = run(["build.py"], site)
    assert "写入" in rebuilt.stdout
    shown = figure_on_stats_page(site, "八十岁以上老人")
    assert shown is not None and "317" in shown, "数据统计页上没有新加的数字"

    key = paramiko.ECDSAKey.generate()
    key_file = tmp_path / "id_ecdsa"
    key.write_private_key_file(str(key_file))
    served = tmp_path / "server"
    web = served / "var" / "www" / "shequ"
    web.mkdir(parents=True)
    with SftpServer(served, authorized=key) as server:
        with (site / "site_config.yaml").open("a", encoding="utf-8") as config:
            config.write("\ndeploy:\n  method: sftp\n"
                         f"  host: {socket.gethostbyname('localhost')}\n  port: {server.port}\n"
                         f"  user: {server.user}\n  path: /var/www/shequ\n  key_file: {key_file.as_posix()}\n"
                         f"  host_key: {server.fingerprint}\n")
        first = run(["build.py", "deploy"], site)
        published = files_under(web)
        assert published.pop(MANIFEST)
        output = files_under(site / "output")
        assert published == output, "the server holds the built site, byte for byte"
        assert f"上传 {len(output)} 个文件" in first.stdout
        assert "八十岁以上老人" in published["stats/index.html"].decode("utf-8")

        article = next((site / "content" / "news").glob("*.md"))
        article.write_text(article.read_text(encoding="utf-8") + "\n每周日上午休息。\n", encoding="utf-8")
        server.log.clear()
        second = run(["build.py", "deploy"], site)
        after = files_under(site / "output")
        changed = {rel for rel, data in after.items() if output.get(rel) != data}
        uploaded = [path.removeprefix("var/www/shequ/") for action, path in server.log if action == "rename"]
        assert uploaded[-1] == MANIFEST  # the record of what is there comes last
        assert sorted(uploaded[:-1]) == sorted(changed), "only the files whose bytes changed are uploaded"
        assert 0 < len(changed) < len(after) // 2, sorted(changed)
        assert f"上传 {len(changed)} 个文件" in second.stdout
        assert f"{len(after) - len(changed)} 个没有变化" in second.stdout
        on_server = files_under(web)
        on_server.pop(MANIFEST)
        assert on_server == after


@pytest.mark.slow
@pytest.mark.skipif(not WEBCHECK.exists() or shutil.which("chromium") is None,
                    reason="the web-quality harness is not set up (../shared/tools/webcheck/setup.sh)")
def test_the_new_communitys_site_passes_the_web_quality_harness(tmp_path: Path) -> None:
    """Nu validator, axe-core and Lighthouse (all four ≥ 90) in headless Chromium, no broken link."""
    (tmp_path / "empty").mkdir()
    site = start_new_community(tmp_path / "empty")
    check = subprocess.run(["bash", str(WEBCHECK), str(site / "output"), str(tmp_path / "report")],
                           capture_output=True, text=True, timeout=1200)
    verdict = check.stdout.strip().splitlines()[-1] if check.stdout.strip() else check.stderr[-2000:]
    assert check.returncode == 0, verdict
    assert re.search(r"nu_errors=0 axe_violations=0 lh_perf=\d+ lh_a11y=\d+ lh_bp=\d+ lh_seo=\d+ broken_links=0",
                     verdict), verdict
