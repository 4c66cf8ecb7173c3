"""A real SMTP server for the tests (aiosmtpd), storing what it receives in a Maildir.

Recipients starting with "tempfail" get a 451 (try again later), "permfail" a 550.
Prints "ready" once listening; runs until killed.
"""
import argparse
import mailbox
import signal
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, maildir):
        self.box = mailbox.Maildir(maildir, create=True)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tempfail"):
            return "451 4.3.0 Mailbox busy, try again later"
        if address.startswith("permfail"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    args = ap.parse_args()
    controller = Controller(Handler(args.maildir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
