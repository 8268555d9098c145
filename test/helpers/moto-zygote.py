"""One moto for a whole test run, forked into a fresh server for each test file that asks.

A moto server spends seconds of CPU before it answers its first EC2 and CloudFormation calls:
importing the backends and decoding botocore's service models. Twenty-odd test files each started
one. This process does that work once (scripts/run-tests.mjs starts it), then forks a server per
request; each child starts from the same loaded modules and has nothing of the others' state.

What a child serves is what moto-serial.py serves: moto's own WSGI application, one request at a
time, with the backends created as moto creates them on a first request (create_backend_app builds
each service's us-east-1 backend). Each child reseeds moto's random generator, so resource ids
differ between children as between separate servers.

Protocol, on the Unix socket given as the only argument: the client sends one JSON line
{"port": N, "log": "/path"}, and reads one JSON line back, {"pid": P, "start": T} (T, the process's
start time, tells it from a later one given the same pid) or {"error": "..."}. The
child is this process's, reaped here; the test stops it with SIGTERM. The zygote ends when its
parent does (stdin closes) or on SIGTERM.
"""
import gc
import importlib.util
import json
import os
import signal
import selectors
import socket
import sys

os.environ.setdefault('MOTO_EC2_LOAD_DEFAULT_AMIS', 'false')

_spec = importlib.util.spec_from_file_location('moto_serial', os.path.join(os.path.dirname(__file__), 'moto-serial.py'))
_serial = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_serial)  # moto's dispatcher now serves one request at a time

from moto.moto_api._internal import mock_random  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple  # noqa: E402

# The services fragctl's verbs and the reference formations reach (CloudFormation creates the others'
# resources through their backends). Any other loads on first use, as in a plain moto server.
SERVICES = ['ec2', 'cloudformation', 'autoscaling', 'elbv2', 'elb', 'rds', 'ssm', 'dynamodb', 's3', 'sts', 'iam']


def preloaded() -> DomainDispatcherApplication:
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    for service in SERVICES:
        app.app_instances[service] = create_backend_app(service)
    return app


def serve(app: DomainDispatcherApplication, port: int) -> None:
    """The child: a moto server on 127.0.0.1:port, as `moto_server -p port` runs it."""
    os.environ['MOTO_PORT'] = str(port)
    mock_random.seed(os.urandom(16))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    run_simple('127.0.0.1', port, app, threaded=True, request_handler=MotoRequestHandler)
    os._exit(0)


# The servers forked, by pid, with their start times: a pid alone may be a later process's.
SERVERS: dict[int, str] = {}


def end(*_: object) -> None:
    """The servers a test file left running go with the zygote."""
    for pid, start in SERVERS.items():
        if start and start_time(pid) == start:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # it ended meanwhile
    os._exit(0)


def main(path: str) -> None:
    app = preloaded()
    # What was loaded is every child's and is never freed: out of the collector's sight (gc.freeze, as
    # the gc module's documentation advises before forking), a child's collections no longer walk, and
    # so copy, the loaded heap.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they end
    signal.signal(signal.SIGTERM, end)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    # No threads here: a fork copies only the thread that calls it. The parent's end shows as stdin
    # closing, however the test run's process goes.
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(sys.stdin, selectors.EVENT_READ)
    print('ready', flush=True)
    while True:
        for key, _ in events.select():
            if key.fileobj is sys.stdin:
                if not os.read(sys.stdin.fileno(), 4096):
                    end()
                continue
            conn, _ = listener.accept()
            with conn:
                answer(conn, listener, app)


def answer(conn: socket.socket, listener: socket.socket, app: DomainDispatcherApplication) -> None:
    try:
        request = json.loads(conn.makefile('r').readline())
        port, log = int(request['port']), str(request['log'])
    except (ValueError, KeyError, TypeError) as e:
        conn.sendall((json.dumps({'error': f'bad request: {e}'}) + '\n').encode())
        return
    pid = os.fork()
    if pid == 0:
        try:
            listener.close()
            conn.close()
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # serve() sets its own SIGTERM
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            serve(app, port)
        finally:
            os._exit(1)
    SERVERS[pid] = start_time(pid)
    conn.sendall((json.dumps({'pid': pid, 'start': SERVERS[pid]}) + '\n').encode())


def start_time(pid: int) -> str:
    """When the process started (/proc/<pid>/stat, field 22): with the pid, it names this process
    alone, as pids are reused (the client checks it before each signal)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(') ', 1)[1].split()[19]
    except (OSError, IndexError):
        return ''  # it has already ended


if __name__ == '__main__':
    main(sys.argv[1])
