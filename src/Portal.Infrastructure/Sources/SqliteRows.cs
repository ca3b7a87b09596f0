namespace Portal.Infrastructure.Sources;

using System.Diagnostics;
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
internal sealed class SqliteRows(string path, string sql, SqliteParameterCollection parameters, ColumnKind[] kinds, bool utf8)
{
    private sqlite3? _database;

    /// <summary>How long a locked database is waited for, as a command's default timeout.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public async Task ProduceAsync(BatchPipe pipe, CancellationToken cancellationToken)
    {
        var flags = raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX | (path.StartsWith("file:", StringComparison.Ordinal) ? raw.SQLITE_OPEN_URI : 0);
        var rc = raw.sqlite3_open_v2(path, out var database, flags, null);
        using (database)
        {
            _database = database;
            Check(rc);
            Check(raw.sqlite3_prepare_v2(database, sql, out var statement));
            using (statement)
            {
                Bind(statement);
                var (first, more) = (true, true);
                while (more)
                {
                    var batch = await pipe.NextAsync(cancellationToken);
                    more = Fill(statement, batch, ref first, cancellationToken);
                    await pipe.PublishAsync(batch, cancellationToken);
                }
            }
        }
    }

    // Steps into the batch until it is full (true: more rows may follow) or the rows end (false); optimised from the first
    // call, as the hot loop of a dump.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill(sqlite3_stmt statement, RowBatch batch, ref bool first, CancellationToken cancellationToken)
    {
        var handle = statement.DangerousGetHandle();
        while (!batch.IsFull)
        {
            if (!Step(statement, handle, first, cancellationToken)) return false;
            first = false;
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
            case raw.SQLITE_TEXT when utf8:
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

    // The next row; false at the end. A database locked before the first row is waited for (a writer's transaction ends),
    // up to the timeout; once rows are read the statement holds its read lock to the end.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Step(sqlite3_stmt statement, nint handle, bool first, CancellationToken cancellationToken)
    {
        var rc = SqliteNative.sqlite3_step(handle);
        return rc == raw.SQLITE_ROW || (rc != raw.SQLITE_DONE && StepAgain(statement, rc, first, cancellationToken));
    }

    private bool StepAgain(sqlite3_stmt statement, int rc, bool first, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (first && rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && Stopwatch.GetElapsedTime(started) < BusyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            raw.sqlite3_reset(statement);
            Thread.Sleep(50);
            rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_ROW) return true;
            if (rc == raw.SQLITE_DONE) return false;
        }
        Check(rc);
        return false;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _database);
    }
}
