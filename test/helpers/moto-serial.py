"""moto_server with one request at a time.

Real DynamoDB applies a conditional write atomically; moto's threaded server checks the condition
and writes without a lock, so two racing PutItem calls with attribute_not_exists can both succeed
(seen: "round 15: race15 won, race15 won"). fragctl's locks rely on the real guarantee, so the tests
serve moto's requests one at a time: each request runs to completion inside the lock (moto builds
the whole response inside the WSGI call).
"""
import sys
import threading

import moto.server as server

_lock = threading.Lock()
_call = server.DomainDispatcherApplication.__call__


def _serial_call(self, environ, start_response):
    with _lock:
        return _call(self, environ, start_response)


server.DomainDispatcherApplication.__call__ = _serial_call

if __name__ == "__main__":
    server.main(sys.argv[1:])
