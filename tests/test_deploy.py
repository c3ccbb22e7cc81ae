"""``deploy``: the built site goes to a real SSH server (paramiko's own server on 127.0.0.1, files in
a tmp folder) or to a folder, uploading only the files whose bytes changed, in an order that never
leaves a page linking to a file not yet there. Every deploy is ``python build.py deploy`` in a real
process, as the IT volunteer runs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import paramiko
import pytest
from sftp_server import SftpServer

from civicpress.deploy import MANIFEST
from civicpress.init_site import init_site

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mi-ma-2024"


def run_deploy(site: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CIVICPRESS_DEPLOY_PASSWORD"}
    env.update({"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "SOURCE_DATE_EPOCH": "1735689600"})
    env.update(env_extra)
    proc = subprocess.run([sys.executable, "build.py", "deploy", *args], cwd=site, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def new_site(tmp_path: Path, deploy_block: str) -> Path:
    site = tmp_path / "新社区"
    init_site(site)
    with (site / "site_config.yaml").open("a", encoding="utf-8") as config:
        config.write("\n" + deploy_block)
    return site


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def renames(server: SftpServer, folder: str) -> list[str]:
    """The files renamed into place on the server, in order, relative to the site's folder there."""
    return [path.removeprefix(folder) for action, path in server.log if action == "rename"]


@pytest.fixture
def client_key(tmp_path: Path) -> tuple[paramiko.PKey, Path]:
    key = paramiko.ECDSAKey.generate()
    path = tmp_path / "id_ecdsa"
    key.write_private_key_file(str(path))
    return key, path


def sftp_block(server: SftpServer, key_file: Path | None = None, path: str = "/www/shequ") -> str:
    lines = ["deploy:", "  method: sftp", f"  host: {socket.gethostbyname('localhost')}", f"  port: {server.port}",
             f"  user: {server.user}", f"  path: {path}", f"  host_key: {server.fingerprint}"]
    if key_file:
        lines.append(f"  key_file: {key_file.as_posix()}")
    return "\n".join(lines) + "\n"


def test_sftp_uploads_everything_then_nothing_then_only_what_changed(
    tmp_path: Path, client_key: tuple[paramiko.PKey, Path]
) -> None:
    key, key_file = client_key
    served = tmp_path / "server"
    (served / "www" / "shequ").mkdir(parents=True)
    with SftpServer(served, authorized=key) as server:
        site = new_site(tmp_path, sftp_block(server, key_file))
        first = run_deploy(site)
        assert first.returncode == 0, first.stderr
        web = served / "www" / "shequ"
        output = files_under(site / "output")
        on_server = files_under(web)
        assert on_server.pop(MANIFEST)
        assert on_server == output, "the server holds the built site, byte for byte"
        assert f"上传 {len(output)} 个文件" in first.stdout

        # Order: every file that is not a page is in place before the first page that may link to it.
        renamed = renames(server, "www/shequ/")
        pages = [i for i, path in enumerate(renamed) if path.endswith(".html")]
        others = [i for i, path in enumerate(renamed) if not path.endswith(".html") and path != MANIFEST]
        assert pages and others and max(others) < min(pages)
        assert renamed[-1] == MANIFEST and renamed[-2] == "index.html"  # the home page last, then the record
        # No half files: each file was written under a temporary name, then renamed into place.
        assert not [p for p in web.rglob("*.civicpress-upload")]

        server.log.clear()
        second = run_deploy(site)
        assert second.returncode == 0, second.stderr
        assert "没有要上传的文件" in second.stdout
        assert server.log == [], "a second deploy changes nothing on the server"

        # One new file: exactly one upload (plus the record of what is there).
        (site / "static").mkdir()
        (site / "static" / "tong-zhi.txt").write_text("停水通知", encoding="utf-8")
        third = run_deploy(site)
        assert third.returncode == 0, third.stderr
        assert renames(server, "www/shequ/") == ["tong-zhi.txt", MANIFEST]
        assert "上传 1 个文件" in third.stdout

        # An edited article: exactly the files whose bytes changed go up, counted against the output.
        before = files_under(site / "output")
        article = site / "content" / "news" / "fu-wu-zhong-xin.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n周日休息。\n", encoding="utf-8")
        server.log.clear()
        fourth = run_deploy(site)
        assert fourth.returncode == 0, fourth.stderr
        after = files_under(site / "output")
        changed = {rel for rel, data in after.items() if before.get(rel) != data}
        uploaded = [p for p in renames(server, "www/shequ/") if p != MANIFEST]
        assert set(uploaded) == changed and len(uploaded) == len(changed)
        assert "news/fu-wu-zhong-xin/index.html" in changed
        assert len(changed) < len(after) // 2, sorted(changed)
        assert files_under(web).get("news/fu-wu-zhong-xin/index.html") == after["news/fu-wu-zhong-xin/index.html"]

        # A deleted file is deleted on the server, after every upload.
        (site / "static" / "tong-zhi.txt").unlink()
        server.log.clear()
        fifth = run_deploy(site)
        assert fifth.returncode == 0, fifth.stderr
        assert ("remove", "www/shequ/tong-zhi.txt") in server.log
        removes = [i for i, (a, _) in enumerate(server.log) if a == "remove"]
        uploads = [i for i, (a, p) in enumerate(server.log) if a == "rename" and not p.endswith(MANIFEST)]
        assert not uploads or max(uploads) < min(removes)
        assert not (web / "tong-zhi.txt").exists()
        assert "删除 1 个" in fifth.stdout


def test_dry_run_lists_the_plan_and_writes_nothing(tmp_path: Path, client_key: tuple[paramiko.PKey, Path]) -> None:
    key, key_file = client_key
    served = tmp_path / "server"
    (served / "www" / "shequ").mkdir(parents=True)
    with SftpServer(served, authorized=key) as server:
        site = new_site(tmp_path, sftp_block(server, key_file))
        proc = run_deploy(site, "--dry-run")
        assert proc.returncode == 0, proc.stderr
        assert "将上传 index.html" in proc.stdout and "试运行" in proc.stdout
        assert server.log == []
        assert files_under(served) == {}


def test_password_from_the_environment(tmp_path: Path) -> None:
    served = tmp_path / "server"
    served.mkdir()
    with SftpServer(served, password=PASSWORD) as server:
        site = new_site(tmp_path, sftp_block(server, path="/"))
        refused = run_deploy(site)  # no key, no password, no terminal to ask on
        assert refused.returncode == 1
        assert "CIVICPRESS_DEPLOY_PASSWORD" in refused.stderr
        wrong = run_deploy(site, CIVICPRESS_DEPLOY_PASSWORD="cuo-le")
        assert wrong.returncode == 1 and "无法登录服务器" in wrong.stderr
        proc = run_deploy(site, CIVICPRESS_DEPLOY_PASSWORD=PASSWORD)
        assert proc.returncode == 0, proc.stderr
        assert (served / "index.html").is_file()


def test_a_password_in_site_config_is_refused_with_its_line(tmp_path: Path) -> None:
    site = new_site(tmp_path, "deploy:\n  method: sftp\n  host: example.cn\n  user: a\n  path: /www\n  password: x\n")
    line = (site / "site_config.yaml").read_text(encoding="utf-8").splitlines().index("  password: x") + 1
    proc = run_deploy(site)
    assert proc.returncode == 1
    assert f"site_config.yaml:{line}: 错误：密码不能写在 site_config.yaml 里" in proc.stderr
    assert not (site / "output").exists(), "refused before anything was built or sent"


def test_an_unexpected_server_key_is_refused(tmp_path: Path, client_key: tuple[paramiko.PKey, Path]) -> None:
    key, key_file = client_key
    served = tmp_path / "server"
    served.mkdir()
    with SftpServer(served, authorized=key) as server:
        block = sftp_block(server, key_file, path="/").replace(server.fingerprint, "SHA256:bu-shi-zhe-tai-fu-wu-qi")
        site = new_site(tmp_path, block)
        proc = run_deploy(site)
        assert proc.returncode == 1
        assert server.fingerprint in proc.stderr and "与 host_key 不符" in proc.stderr
        assert files_under(served) == {}


def test_no_server_is_a_chinese_message(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed again: nothing listens there
    site = new_site(tmp_path, f"deploy: {{method: sftp, host: 127.0.0.1, port: {port}, user: a, path: /www}}\n")
    proc = run_deploy(site)
    assert proc.returncode == 1
    assert "连不上服务器" in proc.stderr and "拒绝连接" in proc.stderr


def test_a_connection_lost_midway_is_reported_and_the_next_deploy_goes_on(
    tmp_path: Path, client_key: tuple[paramiko.PKey, Path]
) -> None:
    key, key_file = client_key
    served = tmp_path / "server"
    served.mkdir()
    with SftpServer(served, authorized=key) as server:
        site = new_site(tmp_path, sftp_block(server, key_file, path="/"))
        server.fail_after = 5
        broken = run_deploy(site)
        assert broken.returncode == 1
        assert "出错" in broken.stderr and "接着" in broken.stderr
        arrived = [p for a, p in server.log if a == "rename"]
        assert 0 < len(arrived) <= 5
        server.fail_after = None
        server.log.clear()
        again = run_deploy(site)
        assert again.returncode == 0, again.stderr
        output = files_under(site / "output")
        on_server = files_under(served)
        on_server.pop(MANIFEST)
        assert on_server == output


def test_folder_target(tmp_path: Path) -> None:
    target = tmp_path / "网络盘" / "网站"
    site = new_site(tmp_path, f"deploy:\n  method: folder\n  path: {target.as_posix()}\n")
    first = run_deploy(site)
    assert first.returncode == 0, first.stderr
    copied = files_under(target)
    assert copied.pop(MANIFEST)
    assert copied == files_under(site / "output")
    again = run_deploy(site)
    assert "没有要上传的文件" in again.stdout
    (site / "static").mkdir()
    (site / "static" / "a.txt").write_text("一", encoding="utf-8")
    assert "上传 1 个文件" in run_deploy(site).stdout
    (site / "static" / "a.txt").unlink()
    removed = run_deploy(site)
    assert "删除 1 个" in removed.stdout
    assert not (target / "a.txt").exists()


def test_drafts_and_internal_pages_are_never_deployed(tmp_path: Path) -> None:
    target = tmp_path / "发布"
    site = new_site(tmp_path, f"deploy: {{method: folder, path: '{target.as_posix()}'}}\n")
    (site / "content" / "news" / "cao-gao.md").write_text(
        "---\ntitle: 草稿\ndate: 2024-07-02\ndraft: true\n---\n还没写完。\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1735689600"}
    # The editor previewed with drafts into output/ just before deploying.
    subprocess.run([sys.executable, "build.py", "build", "--drafts", "-q"], cwd=site, env=env, check=True)
    assert (site / "output" / "news" / "cao-gao" / "index.html").is_file()
    proc = run_deploy(site)
    assert proc.returncode == 0, proc.stderr
    assert not (target / "news" / "cao-gao").exists()
