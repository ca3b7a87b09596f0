namespace Portal.Infrastructure.Jobs;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

/// <summary>
/// One writer per SQLite store: the process that runs the workers on an SQLite file holds an exclusive lock
/// on a file beside it (<c>portal.db.workers.lock</c>, an OS file lock the kernel releases when the process
/// dies, even by kill -9). A second process started on the same file (an overlapping restart, a second
/// terminal) finds it held and runs no workers and no start-up recovery: it serves the UI and API only, so
/// it never fails or re-runs the first one's runs. It keeps asking, and takes over once the first is gone.
/// On PostgreSQL, Quartz's clustering coordinates the nodes and every worker node holds the lease.
/// </summary>
public sealed class WorkerLease(IConfiguration configuration, IOptions<DatabaseOptions> database, ILogger<WorkerLease> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _lock;
    private bool _refused;
    private bool _notApplicable;

    /// <summary>The lock file when the store is an SQLite file; null otherwise.</summary>
    public string? LockFile { get; private set; }

    /// <summary>True when this process tried to take the lease and another process holds it (read without trying again).</summary>
    public bool HeldElsewhere
    {
        get
        {
            lock (_gate)
            {
                return _lock is null && _refused;
            }
        }
    }

    /// <summary>True when this process holds the lease now (or the store needs none); read without trying to take it.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _notApplicable || _lock is not null;
            }
        }
    }

    /// <summary>True when this process may run workers on the store; tries to take the lease when it does not hold it yet.</summary>
    public bool Holds
    {
        get
        {
            lock (_gate)
            {
                return _notApplicable || _lock is not null || TryAcquire();
            }
        }
    }

    private bool TryAcquire()
    {
        if (database.Value.Provider != DatabaseProvider.Sqlite) return _notApplicable = true;
        var file = new SqliteConnectionStringBuilder(configuration.GetConnectionString("Portal")).DataSource;
        if (string.IsNullOrWhiteSpace(file) || file == ":memory:") return _notApplicable = true;
        LockFile = Path.GetFullPath(file) + ".workers.lock";
        try
        {
            // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows: one holder at a time, released by the OS when the holder dies.
            var stream = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            _lock = stream;
            if (_refused) logger.LogWarning("The process that ran the workers on {Database} is gone: this process takes them over", file);
            return true;
        }
        catch (IOException)
        {
            if (!_refused)
                logger.LogWarning(
                    "Another process runs the workers on {Database} (it holds {LockFile}): this process serves the UI and API only and runs no deliveries until that process stops",
                    file, LockFile);
            _refused = true;
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lock?.Dispose();
            _lock = null;
        }
    }
}
