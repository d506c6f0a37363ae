"""A local stand-in for a ClamAV daemon that speaks its real INSTREAM protocol (clamd(8)):
a `zINSTREAM\\0` or `nINSTREAM\\n` command, chunks each led by its length as 4 bytes in
network order, a zero length to end; the answer `stream: OK` or `stream: <name> FOUND`. It
"finds" the EICAR test string, as every real scanner does, and keeps what it was sent."""

import socketserver
import struct
import threading

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Win.Test.EICAR_HDB-1"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith((b"\0", b"\n")):
            byte = stream.read(1)
            if not byte:
                return
            command += byte
        terminator = command[-1:]
        if command[1:-1] != b"INSTREAM":
            self.request.sendall(b"UNKNOWN COMMAND" + terminator)
            return
        received = b""
        while True:
            (length,) = struct.unpack("!L", stream.read(4))
            if length == 0:
                break
            received += stream.read(length)
        self.server.received.append(received)
        found = EICAR in received
        reply = f"stream: {SIGNATURE} FOUND" if found else "stream: OK"
        self.request.sendall(reply.encode() + terminator)


class FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
