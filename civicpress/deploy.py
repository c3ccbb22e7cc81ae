"""``deploy``: put the built site on the web server, uploading only the files whose bytes changed.

::

    output/ ──digest every file──► plan against the manifest of the last deploy (on the server:
                                   .civicpress-deploy.json, so every editor's computer agrees)
            ──► 1. new and changed files that are not pages (images, styles, search index)
                2. new and changed pages (.html): a page never links to a file not yet there
                3. deletions, last: no page still being served loses a file it links to
                4. the manifest, replaced in one rename

Each file goes up under a temporary name and is renamed over the old one, so a reader never gets
half a file; an interrupted deploy saves the manifest of what did arrive, and the next one goes on.
Two targets: SFTP (paramiko, the SSH library; password never in site_config.yaml: a key file, or
the environment variable CIVICPRESS_DEPLOY_PASSWORD, or typed when asked) and a folder (a mounted
network drive, a USB stick for the office that uploads by hand).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import io
import json
import os
import posixpath
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from civicpress.errors import Findings, Location, SiteError
from civicpress.fields import BadValue, FieldTable, as_text, choice
from civicpress.sitefolder import CONFIG_FILE
from civicpress.sources import decode, load_yaml

MANIFEST = ".civicpress-deploy.json"
PASSWORD_ENV = "CIVICPRESS_DEPLOY_PASSWORD"
TEMP_SUFFIX = ".civicpress-upload"
NETWORK_HINT = "请检查网络和 site_config.yaml 中 deploy 的 host、port，确认服务器已开机、能用 SSH 登录后重新运行；" \
    "已上传的文件记录在服务器上，再次运行会接着上传其余的文件。"


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class DeploySettings:
    method: str  # sftp | folder
    path: str  # folder on the server (sftp) or on this computer (folder)
    host: str = ""
    port: int = 22
    user: str = ""
    key_file: str = ""  # private key for SSH; without it the password comes from the environment or a prompt
    host_key: str = ""  # SHA256:… fingerprint of the server's key, as ssh shows it; else ~/.ssh/known_hosts


def _port(_key: str, value: Any) -> int:
    if isinstance(value, bool) or not str(value).isdigit() or not 0 < int(str(value)) < 65536:
        raise BadValue(f"端口 port 的值 {value!r} 不正确", "写 1 到 65535 之间的数字，SSH 一般是 port: 22")
    return int(str(value))


def _no_password(_key: str, _value: Any) -> str:
    raise BadValue(
        "密码不能写在 site_config.yaml 里（这个文件会被复制、发送、放进版本库）",
        f"请删去 password 这一行。改用 key_file: 写 SSH 密钥文件的位置；或者在运行前设置环境变量 {PASSWORD_ENV}；"
        "都没有时，deploy 会请你输入密码。", code="deploy-password-in-file",
    )


def _fingerprint(_key: str, value: Any) -> str:
    text = str(value).strip()
    if not text.startswith("SHA256:"):
        raise BadValue(f"host_key 的值 {value!r} 不正确",
                       "写服务器密钥的指纹，如 host_key: SHA256:abc…（第一次用 ssh 登录时显示，或由服务器管理员提供）")
    return text


DEPLOY_FIELDS = FieldTable(
    {
        "method": choice({"sftp": "sftp", "folder": "folder"}, "发布方式 method 的值 {value!r} 不正确",
                         "写 method: sftp（上传到服务器）或 method: folder（复制到一个文件夹，如网络盘）"),
        "host": as_text,
        "port": _port,
        "user": as_text,
        "path": as_text,
        "key_file": as_text,
        "host_key": _fingerprint,
        "password": _no_password,
    },
    unknown_code="config-unknown-key", unknown_noun="发布设置项", known_noun="发布设置",
    bad_code="config-bad-value",
)


def load_settings(site_dir: Path) -> DeploySettings:
    """The ``deploy:`` block of site_config.yaml; every problem with its line, all at once."""
    location = Location(CONFIG_FILE)
    path = site_dir / CONFIG_FILE
    doc = load_yaml(decode(path.read_bytes(), location).text, location) if path.is_file() else None
    raw = doc.value.get("deploy") if doc is not None and isinstance(doc.value, dict) else None
    if not isinstance(raw, dict):
        raise SiteError.single(
            "deploy-not-configured", "site_config.yaml 中没有发布设置 deploy", location,
            "在 site_config.yaml 末尾加上，例如：\n"
            "    deploy:\n      method: sftp\n      host: www.example.cn\n      user: shequ\n"
            "      path: /var/www/shequ\n      key_file: ~/.ssh/id_ed25519\n"
            "或复制到文件夹：deploy: {method: folder, path: 'Z:/网站'}",
        )
    assert doc is not None
    findings = Findings()
    values = DEPLOY_FIELDS.read(raw, lambda key: location.at(doc.line_of("deploy", key)), findings).values
    line = location.at(doc.line_of("deploy"))
    needed = ("method", "path", "host", "user") if values.get("method", "sftp") == "sftp" else ("method", "path")
    missing = [key for key in needed if key not in values and key not in raw]
    if missing:
        findings.error("config-missing-key", f"发布设置 deploy 缺少 {'、'.join(missing)}", line,
                       "sftp 要写 host（服务器地址）、user（用户名）和 path（网站在服务器上的文件夹）；"
                       "folder 要写 path（复制到哪个文件夹）")
    if findings.errors:
        raise SiteError(*findings.errors)
    return DeploySettings(**values)


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    uploads: tuple[str, ...]  # in upload order: every non-page file, then the pages
    deletions: tuple[str, ...]
    digests: Mapping[str, str]  # every file of the built site -> sha256
    unchanged: int

    @property
    def empty(self) -> bool:
        return not self.uploads and not self.deletions


def digest_tree(out_dir: Path) -> dict[str, str]:
    """Every file of the built site (posix path) with the sha256 of its bytes."""
    digests: dict[str, str] = {}
    for root, folders, names in os.walk(out_dir):
        folders.sort()
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(out_dir).as_posix()
            if rel == MANIFEST:
                continue
            digests[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def make_plan(local: Mapping[str, str], remote: Mapping[str, str]) -> Plan:
    changed = [rel for rel, digest in local.items() if remote.get(rel) != digest]
    assets = sorted(rel for rel in changed if not _is_page(rel))
    pages = sorted((rel for rel in changed if _is_page(rel)), key=_page_order)
    deletions = sorted((rel for rel in remote if rel not in local), key=lambda r: (-r.count("/"), r))
    return Plan(tuple(assets + pages), tuple(deletions), dict(local), len(local) - len(changed))


def _is_page(rel: str) -> bool:
    return rel.endswith((".html", ".htm"))


def _page_order(rel: str) -> tuple[int, str]:
    # Deeper pages first, the home page last: a page that links to a new page goes up after it.
    return (-rel.count("/"), rel)


# ---------------------------------------------------------------- targets


class Target(Protocol):
    def read_manifest(self) -> dict[str, str] | None: ...
    def put(self, rel: str, data: bytes) -> None: ...
    def remove(self, rel: str) -> None: ...
    def write_manifest(self, digests: Mapping[str, str]) -> None: ...


def _manifest_bytes(digests: Mapping[str, str]) -> bytes:
    return json.dumps({"format": 1, "files": dict(sorted(digests.items()))}, ensure_ascii=False,
                      indent=0).encode("utf-8")


def _parse_manifest(data: bytes) -> dict[str, str] | None:
    try:
        files = json.loads(data.decode("utf-8")).get("files")
    except (ValueError, AttributeError):
        return None  # unreadable: as if there were none (everything is uploaded again)
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items()}


@dataclass
class FolderTarget:
    """A folder on this computer or a mounted drive: each file copied beside, then renamed over."""

    root: Path

    def read_manifest(self) -> dict[str, str] | None:
        path = self.root / MANIFEST
        return _parse_manifest(path.read_bytes()) if path.is_file() else None

    def put(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + TEMP_SUFFIX)
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def remove(self, rel: str) -> None:
        path = self.root / rel
        path.unlink(missing_ok=True)
        _prune_empty(path.parent, self.root)

    def write_manifest(self, digests: Mapping[str, str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.put(MANIFEST, _manifest_bytes(digests))


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@dataclass
class SftpTarget:
    """A folder on an SSH server, through paramiko's SFTP client."""

    sftp: Any  # paramiko.SFTPClient
    root: str
    _made: set[str] = field(default_factory=set)

    def _path(self, rel: str) -> str:
        return posixpath.join(self.root, rel)

    def read_manifest(self) -> dict[str, str] | None:
        buffer = io.BytesIO()
        try:
            self.sftp.getfo(self._path(MANIFEST), buffer)
        except FileNotFoundError:
            return None
        return _parse_manifest(buffer.getvalue())

    def put(self, rel: str, data: bytes) -> None:
        path = self._path(rel)
        self._mkdirs(posixpath.dirname(path))
        temporary = path + TEMP_SUFFIX
        self.sftp.putfo(io.BytesIO(data), temporary, file_size=len(data), confirm=True)
        try:
            self.sftp.posix_rename(temporary, path)  # replaces in one step (OpenSSH's extension)
        except OSError:
            # A server without posix-rename: a plain rename refuses to replace, so remove first.
            # For a moment the file is absent; it is back before any page that links to it changes.
            with contextlib.suppress(FileNotFoundError):
                self.sftp.remove(path)
            self.sftp.rename(temporary, path)

    def remove(self, rel: str) -> None:
        path = self._path(rel)
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(path)
        folder = posixpath.dirname(path)
        while folder.startswith(self.root.rstrip("/") + "/"):
            try:
                self.sftp.rmdir(folder)  # only empty folders go
            except OSError:
                break
            self._made.discard(folder)
            folder = posixpath.dirname(folder)

    def write_manifest(self, digests: Mapping[str, str]) -> None:
        self.put(MANIFEST, _manifest_bytes(digests))

    def _mkdirs(self, folder: str) -> None:
        if folder in self._made or folder in ("", "/"):
            return
        try:
            if stat.S_ISDIR(self.sftp.stat(folder).st_mode or 0):
                self._made.add(folder)
                return
        except FileNotFoundError:
            pass
        self._mkdirs(posixpath.dirname(folder))
        self.sftp.mkdir(folder)
        self._made.add(folder)


# ---------------------------------------------------------------- connecting


@contextmanager
def open_target(settings: DeploySettings, site_dir: Path,
                ask_password: Callable[[str], str] | None = None) -> Iterator[Target]:
    if settings.method == "folder":
        root = Path(os.path.expanduser(settings.path))
        if not root.is_absolute():
            root = site_dir / root
        try:
            yield FolderTarget(root)
        except OSError as exc:
            where = os.fsdecode(exc.filename) if exc.filename else str(root)
            raise SiteError.single("deploy-folder", f"无法写入发布文件夹：{exc.strerror or exc}", Location(where),
                                   "请确认这个文件夹（或网络盘）已连接、可以写入，然后重新运行；"
                                   "已复制的文件已经记下，再次运行会接着复制其余的文件。") from None
        return
    with _sftp(settings, site_dir, ask_password) as client:
        yield SftpTarget(client, settings.path.rstrip("/") or "/")


@contextmanager
def _sftp(settings: DeploySettings, site_dir: Path, ask_password: Callable[[str], str] | None) -> Iterator[Any]:
    try:
        import paramiko
    except ImportError:
        raise SiteError.single("deploy-no-paramiko", "没有安装 SSH 程序库 paramiko，无法上传",
                               None, "请运行 python -m pip install paramiko 后重试。") from None
    where = f"{settings.user}@{settings.host}:{settings.port}"
    try:
        sock = _connect_socket(settings)
        transport = paramiko.Transport(sock)
        transport.start_client(timeout=30)
        _verify_host_key(transport.get_remote_server_key(), settings)
        _authenticate(transport, settings, site_dir, ask_password)
        client = paramiko.SFTPClient.from_transport(transport)
        if client is None:
            raise paramiko.SSHException("no SFTP")
    except SiteError:
        raise
    except paramiko.AuthenticationException:
        raise SiteError.single("deploy-login-failed", f"无法登录服务器 {where}：用户名、密钥或密码不对",
                               Location(CONFIG_FILE), "请核对 deploy 的 user、key_file，或重新输入密码。") from None
    except (OSError, EOFError, paramiko.SSHException) as exc:
        raise SiteError.single("deploy-network", f"连不上服务器 {where}：{_reason(exc)}", Location(CONFIG_FILE),
                               NETWORK_HINT) from None
    try:
        yield client
    except (OSError, EOFError, paramiko.SSHException) as exc:
        raise SiteError.single("deploy-network", f"上传到 {where} 时出错：{_reason(exc)}", Location(CONFIG_FILE),
                               NETWORK_HINT) from None
    finally:
        client.close()
        transport.close()


def _connect_socket(settings: DeploySettings) -> Any:
    import socket

    return socket.create_connection((settings.host, settings.port), timeout=30)


def _verify_host_key(key: Any, settings: DeploySettings) -> None:
    """The server is the one expected: its key's fingerprint pinned in host_key, or in known_hosts."""
    import base64

    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    if settings.host_key:
        if settings.host_key.rstrip("=") == fingerprint:
            return
        raise SiteError.single(
            "deploy-host-key", f"服务器 {settings.host} 的密钥指纹是 {fingerprint}，与 host_key 不符，没有上传任何文件",
            Location(CONFIG_FILE),
            "可能连到了别的服务器（或服务器重装过）。请向服务器管理员核实指纹，确认无误后再改 host_key。",
        )
    import paramiko

    known = paramiko.HostKeys()
    for path in (Path.home() / ".ssh" / "known_hosts",):
        if path.is_file():
            known.load(str(path))
    name = settings.host if settings.port == 22 else f"[{settings.host}]:{settings.port}"
    if known.check(name, key):
        return
    raise SiteError.single(
        "deploy-unknown-host", f"还不认识服务器 {settings.host}（密钥指纹 {fingerprint}），没有上传任何文件",
        Location(CONFIG_FILE),
        f"请向服务器管理员核实这个指纹，然后在 deploy 中加一行 host_key: {fingerprint}；"
        "或先用 ssh 登录一次服务器并确认指纹。",
    )


def _authenticate(transport: Any, settings: DeploySettings, site_dir: Path,
                  ask_password: Callable[[str], str] | None) -> None:
    import paramiko

    if settings.key_file:
        key_path = Path(os.path.expanduser(settings.key_file))
        if not key_path.is_absolute():
            key_path = site_dir / key_path
        if not key_path.is_file():
            raise SiteError.single("deploy-key-missing", f"找不到密钥文件 {settings.key_file}", Location(CONFIG_FILE),
                                   "请核对 deploy 的 key_file，写密钥文件的完整位置，如 ~/.ssh/id_ed25519")
        passphrase = os.environ.get(PASSWORD_ENV) or None
        try:
            key = paramiko.PKey.from_path(key_path, passphrase)
        except paramiko.PasswordRequiredException:
            raise SiteError.single("deploy-key-locked", f"密钥文件 {settings.key_file} 有密码保护",
                                   Location(CONFIG_FILE),
                                   f"请把密钥的密码放在环境变量 {PASSWORD_ENV} 中再运行。") from None
        transport.auth_publickey(settings.user, key)
        return
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if ask_password is None:
            raise SiteError.single(
                "deploy-no-password", "没有登录服务器的方法：deploy 没有写 key_file，也没有提供密码",
                Location(CONFIG_FILE),
                f"请在 deploy 中写 key_file（SSH 密钥文件），或设置环境变量 {PASSWORD_ENV}，"
                "或在命令行窗口中运行以便输入密码。",
            )
        password = ask_password(f"{settings.user}@{settings.host} 的密码：")
    transport.auth_password(settings.user, password)


def _reason(exc: BaseException) -> str:
    import socket

    if isinstance(exc, socket.gaierror):
        return "找不到这个服务器地址"
    if isinstance(exc, ConnectionRefusedError):
        return "服务器拒绝连接（端口不对，或 SSH 服务没有运行）"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "连接超时"
    if isinstance(exc, ConnectionResetError | EOFError):
        return "连接被服务器断开"
    return str(exc) or type(exc).__name__


def prompt_password(prompt: str) -> str:
    """Ask on the terminal (never echoed); only when one is there."""
    if not sys.stdin.isatty():
        raise SiteError.single("deploy-no-password", "需要密码，但没有可以输入密码的窗口", Location(CONFIG_FILE),
                               f"请在 deploy 中写 key_file，或设置环境变量 {PASSWORD_ENV}。")
    return getpass.getpass(prompt)


# ---------------------------------------------------------------- deploying


@dataclass(frozen=True)
class DeployReport:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int
    dry_run: bool


def deploy(out_dir: Path, target: Target, dry_run: bool = False,
           progress: Callable[[str, str], None] | None = None) -> DeployReport:
    """Upload what changed since the last deploy, in an order that never breaks a served page."""
    remote = target.read_manifest() or {}
    plan = make_plan(digest_tree(out_dir), remote)
    if dry_run:
        return DeployReport(plan.uploads, plan.deletions, plan.unchanged, True)
    done = dict(remote)  # what the server holds, as far as we know: saved even when interrupted
    uploaded: list[str] = []
    deleted: list[str] = []
    try:
        for rel in plan.uploads:
            if progress:
                progress("上传", rel)
            target.put(rel, (out_dir / rel).read_bytes())
            done[rel] = plan.digests[rel]
            uploaded.append(rel)
        for rel in plan.deletions:
            if progress:
                progress("删除", rel)
            target.remove(rel)
            done.pop(rel, None)
            deleted.append(rel)
    except BaseException:
        # Interrupted: remember what did arrive, so the next deploy goes on from there. The
        # interruption is what gets reported, not a second failure to save.
        if uploaded or deleted:
            with contextlib.suppress(Exception):
                target.write_manifest(done)
        raise
    if not plan.empty or remote != done:
        target.write_manifest(done)
    return DeployReport(tuple(uploaded), tuple(deleted), plan.unchanged, False)
