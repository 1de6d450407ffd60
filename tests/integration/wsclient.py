#!/usr/bin/env python3
"""A small WebSocket client (RFC 6455) for Haven's integration tests, standard library only.

    from wsclient import WebSocket, ConnectionClosed, HandshakeError

    ws = WebSocket.connect("wss://127.0.0.1:%d/ws" % port,
                           cafile=os.path.join(data_dir, "tls", "cert.pem"))
    ws.send_json({"v": 1, "type": "hello"})
    welcome = ws.recv_json(timeout=30)
    ...
    ws.close()     # close handshake (1000); ws.abort() drops the TCP connection instead

What it does:
- connects to `ws://` or `wss://` URLs. For `wss://` it trusts `cafile` (the server's own
  self-signed certificate, `DATA/tls/cert.pem`) without checking the host name (the certificate
  names localhost; tests dial 127.0.0.1), or nothing at all with `verify=False`;
- sends an optional `Origin` header and any extra headers; checks the server's
  `Sec-WebSocket-Accept`. A refused upgrade raises HandshakeError with the HTTP status,
  headers and body (a 403 for a foreign Origin, say);
- sends text and binary frames, masked with a fresh random key as RFC 6455 requires of a
  client; `send_frame` sends any opcode/payload/flags, for tests that must send bad frames;
- receives whole messages (fragments joined), answers pings with pongs by itself, and turns a
  close frame into ConnectionClosed(code, reason) after echoing the close (the handshake);
- every receive takes a guard `timeout` (seconds) and raises TimeoutError when nothing whole
  arrived by then. Bytes read so far are kept, so a timeout never desynchronises the stream:
  the connection can still be used afterwards;
- `abort()` resets the TCP connection at once (SO_LINGER 0: an RST, no close frame, no TLS
  close_notify), as a crashed client or a pulled cable would.

Not thread-safe: use one WebSocket from one thread at a time. Not a general-purpose client:
no extensions (no permessage-deflate), no subprotocols, no proxies.
"""
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import time
import urllib.parse

__all__ = ["WebSocket", "WebSocketError", "HandshakeError", "ConnectionClosed", "ProtocolError",
           "OP_CONT", "OP_TEXT", "OP_BINARY", "OP_CLOSE", "OP_PING", "OP_PONG"]

OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
_MAX_HEADER_BYTES = 64 * 1024


class WebSocketError(Exception):
    """Base class of everything this module raises, TimeoutError and OSError aside."""


class HandshakeError(WebSocketError):
    """The server did not upgrade: `status` (int), `headers` (dict, lower-case names), `body`."""

    def __init__(self, status, headers, body):
        super().__init__("WebSocket upgrade refused: HTTP %d" % status)
        self.status = status
        self.headers = headers
        self.body = body


class ConnectionClosed(WebSocketError):
    """The connection ended. `code` and `reason` come from the server's close frame; `code` is
    None when the TCP connection ended without one (the server died, or we aborted)."""

    def __init__(self, code=None, reason=""):
        super().__init__("connection closed" if code is None else
                         "connection closed: %d %s" % (code, reason))
        self.code = code
        self.reason = reason


class ProtocolError(WebSocketError):
    """The server sent something RFC 6455 forbids (a masked frame, a bad length, ...)."""


class WebSocket:
    """One client connection. Create it with WebSocket.connect()."""

    def __init__(self, sock, leftover=b""):
        self._sock = sock
        self._buf = bytearray(leftover)  # bytes received but not yet parsed into frames
        self._fragments = None           # (opcode, [payloads]) of a fragmented message
        self.close_code = None           # set once the connection has ended
        self.close_reason = ""
        self.closed = False

    # ----- connecting -----------------------------------------------------------------------

    @classmethod
    def connect(cls, url, origin=None, cafile=None, verify=True, timeout=10.0, headers=None):
        """Opens `url` (ws://host:port/path or wss://...) and completes the upgrade.

        origin:  the Origin header to send; None sends none (as a non-browser client does).
        cafile:  for wss://, the certificate (PEM) to trust; the host name is not checked.
        verify:  for wss://, False accepts any certificate (loopback tests only).
        timeout: guard for the TCP connect, the TLS handshake and the HTTP upgrade.
        headers: extra request headers, a dict.
        Raises HandshakeError when the server answers anything but 101, OSError/ssl.SSLError
        when the connection cannot be made, TimeoutError on the guard.
        """
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("ws", "wss"):
            raise ValueError("not a ws:// or wss:// URL: " + url)
        host = u.hostname
        port = u.port or (443 if u.scheme == "wss" else 80)
        path = (u.path or "/") + ("?" + u.query if u.query else "")
        sock = socket.create_connection((host, port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if u.scheme == "wss":
                ctx = ssl.create_default_context(cafile=cafile) if verify else \
                    ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                if not verify:
                    ctx.verify_mode = ssl.CERT_NONE
                sock = ctx.wrap_socket(sock, server_hostname=host)
            key = base64.b64encode(os.urandom(16)).decode("ascii")
            host_header = u.netloc.rsplit("@", 1)[-1]
            lines = ["GET %s HTTP/1.1" % path, "Host: " + host_header, "Upgrade: websocket",
                     "Connection: Upgrade", "Sec-WebSocket-Key: " + key,
                     "Sec-WebSocket-Version: 13"]
            if origin is not None:
                lines.append("Origin: " + origin)
            for name, value in (headers or {}).items():
                lines.append("%s: %s" % (name, value))
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            status, resp_headers, rest = _read_http_response_head(sock, time.monotonic() + timeout)
            if status != 101:
                body = _read_body(sock, resp_headers, rest, time.monotonic() + timeout)
                raise HandshakeError(status, resp_headers, body)
            expected = base64.b64encode(
                hashlib.sha1((key + _GUID).encode("ascii")).digest()).decode("ascii")
            if resp_headers.get("sec-websocket-accept") != expected:
                raise ProtocolError("bad Sec-WebSocket-Accept")
            ws = cls(sock, rest)
            ws.response_headers = resp_headers
            return ws
        except BaseException:
            _abort_socket(sock)
            raise

    # ----- sending --------------------------------------------------------------------------

    def send_text(self, text):
        """Sends one text frame (str, encoded as UTF-8)."""
        self.send_frame(OP_TEXT, text.encode("utf-8"))

    def send_binary(self, data):
        """Sends one binary frame (bytes)."""
        self.send_frame(OP_BINARY, bytes(data))

    def send_json(self, obj):
        """Sends `obj` as one text frame of compact JSON."""
        self.send_text(json.dumps(obj, separators=(",", ":"), ensure_ascii=False))

    def send_frame(self, opcode, payload=b"", fin=True, mask=True, rsv=0):
        """Sends one raw frame. Tests of bad input may clear `mask` or `fin`, or set `rsv` bits
        (0-7); everything else should use send_text/send_binary/send_json.
        Raises ConnectionClosed when the connection is already gone."""
        if self.closed:
            raise ConnectionClosed(self.close_code, self.close_reason)
        head = bytearray([(0x80 if fin else 0) | ((rsv & 7) << 4) | (opcode & 0x0F)])
        n = len(payload)
        mask_bit = 0x80 if mask else 0
        if n < 126:
            head.append(mask_bit | n)
        elif n < 1 << 16:
            head.append(mask_bit | 126)
            head += struct.pack("!H", n)
        else:
            head.append(mask_bit | 127)
            head += struct.pack("!Q", n)
        if mask:
            key = os.urandom(4)
            head += key
            payload = _apply_mask(payload, key)
        try:
            self._sock.sendall(bytes(head) + bytes(payload))
        except (OSError, ssl.SSLError) as e:
            # The server may have closed while we were still sending (a frame over its size
            # limit: 1009 after the header). Its close frame may already be here: read it.
            self._drain_close(time.monotonic() + 1.0)
            raise ConnectionClosed(self.close_code, self.close_reason) from e

    # ----- receiving ------------------------------------------------------------------------

    def recv(self, timeout=30.0):
        """The next whole message: str for a text message, bytes for a binary one.

        Pings are answered and pongs skipped on the way. A close frame from the server is
        answered (once) and raised as ConnectionClosed(code, reason); a TCP connection that just
        ends raises ConnectionClosed(None). TimeoutError when no whole message came within
        `timeout` seconds (the connection stays usable)."""
        deadline = time.monotonic() + timeout
        while True:
            opcode, payload = self.recv_frame(deadline - time.monotonic())
            if opcode == OP_PING:
                self._send_control(OP_PONG, payload)
            elif opcode == OP_PONG:
                pass
            elif opcode == OP_CLOSE:
                code, reason = _parse_close(payload)
                if not self.closed:
                    self._send_control(OP_CLOSE, payload[:2])  # echo the code: the handshake
                    self._ended(code, reason)
                    _shutdown_socket(self._sock)
                raise ConnectionClosed(code, reason)
            elif opcode in (OP_TEXT, OP_BINARY, OP_CONT):
                message = self._assemble(opcode, payload)
                if message is not None:
                    return message
            else:
                raise ProtocolError("unknown opcode %d" % opcode)

    def recv_json(self, timeout=30.0):
        """The next message parsed as JSON (text or binary). ValueError if it is not JSON."""
        message = self.recv(timeout)
        return json.loads(message)

    def recv_frame(self, timeout=30.0):
        """The next single frame as (opcode, payload bytes), nothing answered or joined: for
        tests that look at control frames themselves. Keeps fin bits in `self.last_fin`."""
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            frame = self._parse_frame()
            if frame is not None:
                return frame
            self._fill(deadline)

    # ----- ending ---------------------------------------------------------------------------

    def close(self, code=1000, reason="", timeout=10.0):
        """The close handshake: sends a close frame and waits (up to `timeout`) for the
        server's, skipping messages that were already on their way. Returns the server's
        (code, reason), or (None, "") when the connection ended without one. Never raises for
        a connection that is already gone."""
        if not self.closed:
            try:
                payload = struct.pack("!H", code) + reason.encode("utf-8") if code else b""
                self._send_control(OP_CLOSE, payload)
                deadline = time.monotonic() + timeout
                while True:
                    opcode, payload = self.recv_frame(deadline - time.monotonic())
                    if opcode == OP_CLOSE:
                        self._ended(*_parse_close(payload))
                        break
            except (ConnectionClosed, TimeoutError, OSError, ssl.SSLError, ProtocolError):
                if not self.closed:
                    self._ended(None, "")
        _shutdown_socket(self._sock)
        return self.close_code, self.close_reason

    def abort(self):
        """Drops the TCP connection at once: no close frame, no TLS close_notify, an RST."""
        if not self.closed:
            self._ended(None, "")
        _abort_socket(self._sock)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # ----- internals ------------------------------------------------------------------------

    def _ended(self, code, reason):
        self.closed = True
        self.close_code = code
        self.close_reason = reason

    def _send_control(self, opcode, payload):
        try:
            self.send_frame(opcode, payload)
        except ConnectionClosed:
            pass

    def _drain_close(self, deadline):
        """After a failed send: looks for a close frame among what already arrived."""
        try:
            while not self.closed:
                opcode, payload = self.recv_frame(deadline - time.monotonic())
                if opcode == OP_CLOSE:
                    self._ended(*_parse_close(payload))
        except (ConnectionClosed, TimeoutError, OSError, ssl.SSLError, ProtocolError):
            pass
        if not self.closed:
            self._ended(None, "")

    def _fill(self, deadline):
        """Reads more bytes into the buffer, or raises TimeoutError / ConnectionClosed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no whole WebSocket frame within the timeout")
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(65536)
        except (socket.timeout, TimeoutError) as e:
            raise TimeoutError("no whole WebSocket frame within the timeout") from e
        except (OSError, ssl.SSLError) as e:
            if not self.closed:
                self._ended(None, "")
            raise ConnectionClosed(self.close_code, self.close_reason) from e
        if not data:
            if not self.closed:
                self._ended(None, "")
            raise ConnectionClosed(self.close_code, self.close_reason)
        self._buf += data

    def _parse_frame(self):
        """One whole frame from the buffer, or None when more bytes are needed."""
        buf = self._buf
        if len(buf) < 2:
            return None
        b0, b1 = buf[0], buf[1]
        if b1 & 0x80:
            raise ProtocolError("the server masked a frame")
        if b0 & 0x70:
            raise ProtocolError("reserved bits set without an extension")
        n, pos = b1 & 0x7F, 2
        if n == 126:
            if len(buf) < 4:
                return None
            n, pos = struct.unpack_from("!H", buf, 2)[0], 4
        elif n == 127:
            if len(buf) < 10:
                return None
            n, pos = struct.unpack_from("!Q", buf, 2)[0], 10
        if len(buf) < pos + n:
            return None
        payload = bytes(buf[pos:pos + n])
        del buf[:pos + n]
        self.last_fin = bool(b0 & 0x80)
        opcode = b0 & 0x0F
        if opcode >= 0x8 and (not self.last_fin or n > 125):
            raise ProtocolError("a fragmented or oversized control frame")
        return opcode, payload

    def _assemble(self, opcode, payload):
        """Joins fragments; returns the whole message (str or bytes) or None for more."""
        if opcode == OP_CONT:
            if self._fragments is None:
                raise ProtocolError("a continuation frame without a message")
            self._fragments[1].append(payload)
        else:
            if self._fragments is not None:
                raise ProtocolError("a new message inside a fragmented one")
            self._fragments = (opcode, [payload])
        if not self.last_fin:
            return None
        first_opcode, parts = self._fragments
        self._fragments = None
        data = b"".join(parts)
        return data.decode("utf-8") if first_opcode == OP_TEXT else data


def _apply_mask(payload, key):
    """XORs `payload` with the 4-byte `key`, repeated (fast enough for test-sized frames)."""
    n = len(payload)
    if n == 0:
        return b""
    whole = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(whole, "big")).to_bytes(n, "big")


def _parse_close(payload):
    if len(payload) >= 2:
        return struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8", "replace")
    return None, ""


def _read_http_response_head(sock, deadline):
    """Reads up to the blank line: (status, {lower-case name: value}, bytes after the head)."""
    data = b""
    while b"\r\n\r\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no HTTP response to the upgrade within the timeout")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(4096)
        except (socket.timeout, TimeoutError) as e:
            raise TimeoutError("no HTTP response to the upgrade within the timeout") from e
        if not chunk:
            raise ConnectionClosed()
        data += chunk
        if len(data) > _MAX_HEADER_BYTES:
            raise ProtocolError("HTTP response head too long")
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ProtocolError("bad HTTP status line")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, rest


def _read_body(sock, headers, rest, deadline):
    """The body of a refused upgrade, by Content-Length (best effort; b"" when unknown)."""
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        return rest
    body = rest
    while len(body) < length and time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(4096)
        except (OSError, ssl.SSLError):
            break
        if not chunk:
            break
        body += chunk
    return body[:length]


def _shutdown_socket(sock):
    try:
        sock.close()
    except OSError:
        pass


def _abort_socket(sock):
    """Closes with SO_LINGER 0, so the kernel sends an RST instead of a FIN. (Closing an
    SSLSocket sends no close_notify: Python does that only in unwrap().)"""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
