"""Run the test provider on loopback: `python -m tests.oidc_provider.serve`.

Binds a free port on 127.0.0.1, prints `READY <port>` on stdout and serves until terminated. The
environment gives the database file, the signing key file and the control token.
"""

import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    server = make_server("127.0.0.1", 0, lambda environ, start: app(environ, start), ThreadingServer, QuietHandler)
    port = server.server_port
    os.environ["TEST_PROVIDER_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    global app
    app = get_wsgi_application()
    print(f"READY {port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sys.exit(0)


app = None

if __name__ == "__main__":
    main()
