"""Test hosts only: a bytecode cache for the modules Ansible runs from its AnsiballZ zip.

CPython's zipimport never caches bytecode: every module run compiles ansible.module_utils (basic.py
and the rest) from source, twice per import in 3.11 (get_filename, then get_code), a quarter of the
suite's Ansible CPU. scripts/run-tests.mjs puts this folder on PYTHONPATH with FRAGCTL_TEST_PYC_DIR
(a folder of the run's own), and test/helpers/ssh-hosts.ts passes both to the SSH hosts' sessions.
The code run is the same: compiled once from the same source, with the same flags, then kept as a
host with a warm __pycache__ keeps it; each use gets its own file name back (tracebacks unchanged).
Without FRAGCTL_TEST_PYC_DIR, or on a Python without zipimport._compile_source, nothing changes.

With the folder set, a process that forks (ansible-playbook, once per task and host, for its workers)
first moves the objects it holds to the collector's permanent generation (gc.freeze, as the gc
module's documentation advises before a fork): a worker's collections then no longer walk, and so
copy, the parent's whole heap. The reference playbooks' file takes about 6% less CPU with it.

In Ansible's own programs (ansible-playbook and the rest), what PyYAML's plain loaders (BaseLoader,
SafeLoader and their C twins) read from a document of 4 KB or more is kept in the folder too, keyed
by the document's SHA-256, the loader and PyYAML's version: every start parses the same
ansible.builtin routing table (runtime.yml, 376 KB; ansible.utils.collection_loader's
_meta_yml_to_dict invites exactly this cache) and config definitions (base.yml), about a fifth of
an ansible-playbook start. Plain loaders build plain data (dicts, lists, strings, numbers, dates), so a
copy read back is equal to a fresh parse; Ansible's own loader (origins, tags) is never cached.
"""
import gc
import os
import sys

_DIR = os.environ.get('FRAGCTL_TEST_PYC_DIR')


def _install_pyc_cache(folder):
    import hashlib
    import marshal
    import sys
    import zipimport

    compile_source = getattr(zipimport, '_compile_source', None)
    if compile_source is None:
        return
    tag = f'{sys.implementation.cache_tag}-O{sys.flags.optimize}'
    code_type = type(_install_pyc_cache.__code__)

    def named(code, filename):
        consts = tuple(named(c, filename) if isinstance(c, code_type) else c for c in code.co_consts)
        return code.replace(co_filename=filename, co_consts=consts)

    # 3.11 compiles each module twice per import (get_filename, then get_code): the second asks
    # this process again for the same file.
    seen = {}

    def cached(pathname, source):
        if pathname in seen and seen[pathname][0] == len(source):
            return seen[pathname][1]
        code = load(pathname, source)
        seen[pathname] = (len(source), code)
        return code

    def load(pathname, source):
        raw = source if isinstance(source, bytes) else source.encode()
        path = os.path.join(folder, f'{hashlib.sha256(raw).hexdigest()}.{tag}')
        try:
            with open(path, 'rb') as f:
                return named(marshal.loads(f.read()), pathname)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = compile_source(pathname, source)
        tmp = f'{path}.{os.getpid()}.tmp'
        try:
            with open(tmp, 'wb') as f:
                f.write(marshal.dumps(code))
            os.replace(tmp, path)
        except OSError:
            pass
        return code

    zipimport._compile_source = cached


def _install_yaml_cache(folder):
    import hashlib
    import pickle

    import yaml

    names = ('BaseLoader', 'SafeLoader', 'CBaseLoader', 'CSafeLoader')
    plain = tuple(getattr(yaml, name) for name in names if hasattr(yaml, name))
    load = yaml.load

    def cached_load(stream, Loader=None):
        if Loader not in plain:
            return load(stream, Loader)
        text, start = stream, None
        if not isinstance(stream, (str, bytes)):
            try:
                start = stream.tell()
                text = stream.read()
            except (AttributeError, OSError, ValueError):
                return load(stream, Loader)
        raw = text if isinstance(text, bytes) else text.encode()
        if len(raw) < 4096:
            return load(stream if start is None else text, Loader)
        key = hashlib.sha256(raw + f'\0{Loader.__name__}\0{yaml.__version__}'.encode()).hexdigest()
        path = os.path.join(folder, f'{key}.yaml.pickle')
        try:
            with open(path, 'rb') as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            pass
        if start is not None:
            stream.seek(start)  # parsed from the stream itself: an error names the file as before
        data = load(stream, Loader)
        tmp = f'{path}.{os.getpid()}.tmp'
        try:
            with open(tmp, 'wb') as f:
                pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass
        return data

    yaml.load = cached_load


if _DIR and os.path.isdir(_DIR):
    _install_pyc_cache(_DIR)
    if os.path.basename(sys.argv[0] if sys.argv else '').startswith('ansible'):
        try:
            _install_yaml_cache(_DIR)
        except ImportError:
            pass
    os.register_at_fork(before=gc.freeze)
