"""A real SSH server with an SFTP subsystem, for the deploy tests: paramiko's own server classes.

    with SftpServer(root, user="shequ", password="…", authorized=public_key) as server:
        server.port, server.fingerprint   # connect to 127.0.0.1:port; the host key's SHA256:… fingerprint
        server.log                        # every change on the server, in order: ("put", path), ("remove", path) …

Real TCP on 127.0.0.1, real SSH handshake, key exchange and authentication, real SFTP packets; the
files land in ``root`` (a tmp folder). Nothing is mocked: the client is the one deploy uses.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import threading
from pathlib import Path
from typing import Any

import paramiko
from paramiko import SFTP_FAILURE, SFTP_NO_SUCH_FILE, SFTP_OK, SFTPAttributes, SFTPHandle, SFTPServer

LOOPBACK = "127.0.0.1"


class _Handle(SFTPHandle):
    def __init__(self, flags: int, file: Any, server: SftpServer, path: str, writing: bool) -> None:
        super().__init__(flags)
        self.readfile = file
        self.writefile = file if writing else None
        self._server, self._path, self._writing = server, path, writing

    def stat(self) -> Any:
        return SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))

    def close(self) -> None:
        super().close()
        if self._writing:
            self._server.record("put", self._path)


class _Files(paramiko.SFTPServerInterface):
    """SFTP requests on the server's root folder (paths are relative to it, never outside)."""

    def __init__(self, server: Any, *args: Any, owner: SftpServer, **kwargs: Any) -> None:
        super().__init__(server, *args, **kwargs)
        self.owner = owner

    def _real(self, path: str) -> Path:
        rel = os.path.normpath("/" + path).lstrip("/")
        return self.owner.root / rel

    def _rel(self, path: str) -> str:
        return self._real(path).relative_to(self.owner.root).as_posix()

    def canonicalize(self, path: str) -> str:
        return "/" + self._rel(path) if self._rel(path) != "." else "/"

    def stat(self, path: str) -> Any:
        try:
            return SFTPAttributes.from_stat(os.stat(self._real(path)))
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)

    lstat = stat

    def list_folder(self, path: str) -> Any:
        try:
            folder = self._real(path)
            return [SFTPAttributes.from_stat(os.stat(folder / name), name) for name in os.listdir(folder)]
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)

    def open(self, path: str, flags: int, attr: Any) -> Any:
        writing = bool(flags & (os.O_WRONLY | os.O_RDWR))
        if writing and self.owner.fail_after is not None and self.owner.puts >= self.owner.fail_after:
            self.owner.drop()  # the network goes away in the middle of a deploy
            return SFTP_FAILURE
        real = self._real(path)
        try:
            if writing:
                self.owner.puts += 1
                fd = os.open(real, flags | os.O_CREAT, 0o644)
                file = os.fdopen(fd, "wb" if not flags & os.O_RDWR else "r+b")
            else:
                file = open(real, "rb")  # noqa: SIM115 - closed by the SFTP handle
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)
        return _Handle(flags, file, self.owner, self._rel(path), writing)

    def remove(self, path: str) -> int:
        try:
            os.remove(self._real(path))
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)
        self.owner.record("remove", self._rel(path))
        return SFTP_OK

    def rename(self, oldpath: str, newpath: str) -> int:
        if self._real(newpath).exists():
            return SFTP_FAILURE  # SFTP's plain rename never replaces
        return self.posix_rename(oldpath, newpath)

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        try:
            os.replace(self._real(oldpath), self._real(newpath))
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)
        self.owner.record("rename", self._rel(newpath))
        return SFTP_OK

    def mkdir(self, path: str, attr: Any) -> int:
        try:
            os.mkdir(self._real(path))
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)
        return SFTP_OK

    def rmdir(self, path: str) -> int:
        try:
            os.rmdir(self._real(path))
        except OSError as exc:
            return SFTPServer.convert_errno(exc.errno)
        return SFTP_OK

    def chattr(self, path: str, attr: Any) -> int:
        return SFTP_OK if self._real(path).exists() else SFTP_NO_SUCH_FILE


class _Login(paramiko.ServerInterface):
    def __init__(self, owner: SftpServer) -> None:
        self.owner = owner

    def get_allowed_auths(self, username: str) -> str:
        return "publickey,password"

    def check_auth_password(self, username: str, password: str) -> int:
        ok = self.owner.password is not None and (username, password) == (self.owner.user, self.owner.password)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: Any) -> int:
        authorized = self.owner.authorized
        ok = username == self.owner.user and authorized is not None and key.asbytes() == authorized.asbytes()
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class SftpServer:
    """Serves ``root`` over SFTP on a free port of 127.0.0.1 until the ``with`` block ends."""

    def __init__(self, root: Path, user: str = "shequ", password: str | None = None,
                 authorized: paramiko.PKey | None = None) -> None:
        self.root, self.user, self.password, self.authorized = root, user, password, authorized
        self.host_key = paramiko.ECDSAKey.generate()
        self.fingerprint = "SHA256:" + base64.b64encode(
            hashlib.sha256(self.host_key.asbytes()).digest()).decode().rstrip("=")
        self.log: list[tuple[str, str]] = []
        self.puts = 0
        self.fail_after: int | None = None  # drop the connection at this many file writes
        self._lock = threading.Lock()
        self._transports: list[paramiko.Transport] = []
        self._listener = socket.socket()
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="test-sftp-server", daemon=True)

    def record(self, action: str, path: str) -> None:
        with self._lock:
            self.log.append((action, path))

    def drop(self) -> None:
        for transport in self._transports:
            transport.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler("sftp", SFTPServer, _Files, owner=self)
            self._transports.append(transport)
            try:
                transport.start_server(server=_Login(self))
            except (paramiko.SSHException, EOFError, OSError):
                transport.close()

    def __enter__(self) -> SftpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(5)
        for transport in self._transports:
            transport.close()
            transport.join(5)
