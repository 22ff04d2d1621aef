#!/usr/bin/env python3
"""The floor under `registry import`: the rows and change-log entries an import wrote, replayed in arrival order into
a fresh copy of the same registry by Python's sqlite3, with nothing else (no parsing, validation, classification,
planning or encoding). Then the same with the indexes villages never read dropped, and without the planned-test and
"planned" event rows: what SQLite itself allows here for this schema and for the redesigns docs/PERFORMANCE.md
discusses. Usage: import-floor.py IMPORTED.sqlite EMPTY.sqlite (EMPTY: the registry as it was before the import)."""
import os, shutil, sqlite3, sys, tempfile, time

imported, empty = sys.argv[1], sys.argv[2]
src = sqlite3.connect(imported)
def rows(table): return src.execute('SELECT * FROM %s ORDER BY rowid' % table).fetchall()
persons, arrivals, measures, events, tests = (rows(t) for t in ('person', 'arrival', 'measure', 'measure_event', 'lab_test'))
tests_of, log_of = {}, {}
for t in tests: tests_of.setdefault(t[3], []).append(t)
for entry in src.execute("SELECT tbl, pk, columns, hlc, origin, origin_seq, scope FROM change_log "
                         "WHERE tbl IN ('person', 'arrival', 'measure', 'measure_event', 'lab_test') ORDER BY seq"):
    log_of.setdefault(entry[1], entry)

def replay(label, drop=(), planned=True):
    work = tempfile.mkdtemp()
    path = os.path.join(work, 'floor.sqlite')
    shutil.copy(empty, path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode = WAL')
    db.execute('PRAGMA cache_size = -65536')  # as the registry sets it
    for index in drop: db.execute('DROP INDEX ' + index)
    insert = {name: 'INSERT INTO %s VALUES (%s)' % (name, ', '.join('?' * len(sample[0])))
              for name, sample in (('person', persons), ('arrival', arrivals), ('measure', measures),
                                   ('measure_event', events), ('lab_test', tests))}
    log = 'INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, ?, ?)'
    x = db.execute
    start = time.time()
    x('BEGIN')
    for p, a, m, e in zip(persons, arrivals, measures, events):
        written = [('person', p), ('arrival', a), ('measure', m)]
        if planned: written += [('measure_event', e)] + [('lab_test', t) for t in tests_of.get(m[0], [])]
        for name, row in written:
            x(insert[name], row)
            x(log, log_of[row[0]])
    x('COMMIT')
    elapsed = time.time() - start
    db.close()
    shutil.rmtree(work)
    print('import floor, %s: %.0f arrivals/s' % (label, len(arrivals) / elapsed), flush=True)

village_never_reads = ('change_log_scope', 'lab_test_result_on', 'lab_test_sampled_on')
replay('the same rows and log entries, nothing else')
replay('without the indexes villages never read', village_never_reads)
replay('and without planned-test and planned-event rows', village_never_reads, planned=False)
