"""A slow client for the SIGTERM drill: posts a reply to a thread, dripping the form body over
SECONDS seconds, then prints the response's status code (or "none" if the server hung up).

python3 slow_post.py PORT THREAD COOKIE CSRF_TOKEN MARKER SECONDS
"""
import socket
import sys
import time
import urllib.parse

port, thread, cookie, token, marker, seconds = sys.argv[1:7]
body = urllib.parse.urlencode(
    {"csrf_token": token, "body": f"drill {marker} " + "hidas lähetys " * 200}
).encode()
head = (
    f"POST /keskustelut/ketju/{thread} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    f"Origin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
).encode()
s = socket.create_connection(("127.0.0.1", int(port)))
s.settimeout(60)
s.sendall(head)
chunks = 40
step = len(body) // chunks + 1
for i in range(0, len(body), step):
    s.sendall(body[i : i + step])
    time.sleep(float(seconds) / chunks)
data = b""
try:
    while True:
        got = s.recv(65536)
        if not got:
            break
        data += got
except OSError:
    pass
parts = data.split(b" ", 2)
print(parts[1].decode() if len(parts) > 1 else "none", flush=True)
