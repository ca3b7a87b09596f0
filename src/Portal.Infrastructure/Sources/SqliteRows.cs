namespace Portal.Infrastructure.Sources;

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Portal.Core.Formats;
using SQLitePCL;

/// <summary>
/// A SELECT stepped through SQLite's own API, straight into <see cref="RowBatch"/>es: numbers as numbers and text as the
/// database's UTF-8 bytes, with no object or string per value (what <see cref="SqliteDataReader.GetValue"/> would
/// allocate). It reads on a read-only connection of its own that only the producer's task touches, opened without
/// SQLite's per-connection mutex: in the default serialized mode every column accessor takes and releases it, which cost
/// more than the accessors themselves.
/// </summary>
internal sealed class SqliteRows(string path, string sql, SqliteParameterCollection parameters, ColumnKind[] kinds)
{
    private sqlite3? _database;

    // A UTF-8 file's text is read as stored; a UTF-16 file's through SQLite's conversion.
    private bool _utf8;
    private bool _started;

    /// <summary>How long a file locked by a writer is waited for, as a command's default timeout.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public async Task ProduceAsync(BatchPipe pipe, CancellationToken cancellationToken)
    {
        var flags = raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX | (path.StartsWith("file:", StringComparison.Ordinal) ? raw.SQLITE_OPEN_URI : 0);
        var rc = raw.sqlite3_open_v2(path, out var database, flags, null);
        using (database)
        {
            _database = database;
            Check(rc, cancellationToken);
            // A cancel interrupts a long step; a wait for a locked file (Patiently) ends with it too.
            using var interrupt = cancellationToken.Register(() => raw.sqlite3_interrupt(database));
            _utf8 = Encoding(database, cancellationToken) == "UTF-8";
            sqlite3_stmt? statement = null;
            Check(Patiently(() => raw.sqlite3_prepare_v2(database, sql, out statement), cancellationToken), cancellationToken);
            using (statement)
            {
                Bind(statement!);
                var more = true;
                while (more)
                {
                    var batch = await pipe.NextAsync(cancellationToken);
                    more = Fill(statement!, batch, cancellationToken);
                    await pipe.PublishAsync(batch, cancellationToken);
                }
            }
        }
    }

    // Steps into the batch until it is full (true: more rows may follow) or the rows end (false); optimised from the first
    // call, as the hot loop of a dump.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill(sqlite3_stmt statement, RowBatch batch, CancellationToken cancellationToken)
    {
        var handle = statement.DangerousGetHandle();
        while (!batch.IsFull)
        {
            var rc = SqliteNative.sqlite3_step(handle);
            if (rc != raw.SQLITE_ROW)
            {
                // Locked before the first row: waited for. Once rows are read the statement holds its read lock to the end.
                if (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && !_started)
                    rc = Patiently(() =>
                    {
                        raw.sqlite3_reset(statement);
                        return raw.sqlite3_step(statement);
                    }, cancellationToken);
                if (rc == raw.SQLITE_DONE) return false;
                if (rc != raw.SQLITE_ROW) Check(rc, cancellationToken);
            }
            _started = true;
            batch.AddRow();
            for (var i = 0; i < kinds.Length; i++) Read(statement, handle, batch, i);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Read(sqlite3_stmt statement, nint handle, RowBatch batch, int i)
    {
        switch (SqliteNative.sqlite3_column_type(handle, i))
        {
            case raw.SQLITE_NULL:
                break;
            case raw.SQLITE_INTEGER:
                SqliteColumnKinds.SetInteger(batch, i, kinds[i], SqliteNative.sqlite3_column_int64(handle, i));
                break;
            case raw.SQLITE_FLOAT:
                SqliteColumnKinds.SetReal(batch, i, kinds[i], SqliteNative.sqlite3_column_double(handle, i));
                break;
            case raw.SQLITE_TEXT when _utf8:
                // A UTF-8 database's text, as stored: sqlite3_column_blob does not convert it.
                SqliteColumnKinds.SetText(batch, i, kinds[i], SqliteNative.Bytes(handle, i));
                break;
            case raw.SQLITE_TEXT:
                SqliteColumnKinds.SetText(batch, i, kinds[i], System.Text.Encoding.UTF8.GetBytes(raw.sqlite3_column_text(statement, i).utf8_to_string()));
                break;
            default:
                batch.SetBlob(i, SqliteNative.Bytes(handle, i));
                break;
        }
    }

    private static string Encoding(sqlite3 database, CancellationToken cancellationToken)
    {
        sqlite3_stmt? pragma = null;
        Check(database, Patiently(() => raw.sqlite3_prepare_v2(database, "PRAGMA encoding", out pragma), cancellationToken), cancellationToken);
        using (pragma)
        {
            var rc = Patiently(() => raw.sqlite3_step(pragma), cancellationToken);
            if (rc != raw.SQLITE_ROW) Check(database, rc == raw.SQLITE_DONE ? raw.SQLITE_ERROR : rc, cancellationToken);
            return raw.sqlite3_column_text(pragma, 0).utf8_to_string();
        }
    }

    private void Bind(sqlite3_stmt statement)
    {
        foreach (SqliteParameter p in parameters)
        {
            var index = raw.sqlite3_bind_parameter_index(statement, p.ParameterName);
            if (index == 0) continue;
            Check(p.Value switch
            {
                long l => raw.sqlite3_bind_int64(statement, index, l),
                double d => raw.sqlite3_bind_double(statement, index, d),
                string s => raw.sqlite3_bind_text(statement, index, s),
                _ => throw new NotSupportedException($"A mark bound as {p.Value?.GetType().Name}."),
            });
        }
    }

    private void Check(int rc, CancellationToken cancellationToken = default) => Check(_database, rc, cancellationToken);

    private static void Check(sqlite3? database, int rc, CancellationToken cancellationToken)
    {
        if (rc == raw.SQLITE_OK) return;
        // Interrupted by a cancel: the run was cancelled, not failed.
        cancellationToken.ThrowIfCancellationRequested();
        SqliteException.ThrowExceptionForRC(rc, database);
    }

    // Calls SQLite again while a writer holds the file (busy or locked), up to the timeout; a cancel ends the wait.
    private static int Patiently(Func<int> call, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var rc = call();
            if (rc is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= BusyTimeout) return rc;
            cancellationToken.WaitHandle.WaitOne(50);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
