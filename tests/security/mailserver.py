"""Real SMTP servers on loopback for the mail fault tests: one that hangs, one that records."""

import asyncio
import contextlib
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class SilentServer:
    """Accepts TCP connections and never says a word (not even the SMTP greeting)."""

    def __init__(self, port: int):
        self.sock = socket.create_server(("127.0.0.1", port))  # SO_REUSEADDR set
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return  # closed
            self.accepted.append(connection)

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the other thread
        self.sock.close()
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()


class Recorder:
    """aiosmtpd handler: keeps each message it answered 250 to.

    With `stall` set, the next message's DATA is held unanswered until the client goes away
    (aiosmtpd then cancels the handler), so nothing is recorded for it: as with a real server,
    a message counts as accepted only once the server said so.
    """

    def __init__(self):
        self.messages = []
        self.stall = False
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            self.stall = False
            self.stalled.set()
            await asyncio.sleep(120)  # cancelled when the sending worker dies
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "message": message})
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [item["message"]["Message-ID"] for item in self.messages]


def recording_server(port: int) -> tuple[Controller, Recorder]:
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler
