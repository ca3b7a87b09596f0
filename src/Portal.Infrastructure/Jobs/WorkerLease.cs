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
/// it never fails or re-runs the first one's runs. On PostgreSQL, Quartz's clustering coordinates the nodes
/// and every worker node holds the lease.
/// </summary>
public sealed class WorkerLease(IConfiguration configuration, IOptions<DatabaseOptions> database, ILogger<WorkerLease> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _lock;
    private bool? _holds;

    /// <summary>The lock file when the store is an SQLite file; null otherwise.</summary>
    public string? LockFile { get; private set; }

    /// <summary>True when this process meant to run workers but another process holds the store's lease (read without taking it).</summary>
    public bool HeldElsewhere
    {
        get
        {
            lock (_gate)
            {
                return _holds == false;
            }
        }
    }

    /// <summary>True when this process may run workers on the store (taking the lock on first call).</summary>
    public bool Holds
    {
        get
        {
            lock (_gate)
            {
                return _holds ??= Acquire();
            }
        }
    }

    private bool Acquire()
    {
        if (database.Value.Provider != DatabaseProvider.Sqlite) return true;
        var file = new SqliteConnectionStringBuilder(configuration.GetConnectionString("Portal")).DataSource;
        if (string.IsNullOrWhiteSpace(file) || file == ":memory:") return true;
        LockFile = Path.GetFullPath(file) + ".workers.lock";
        try
        {
            // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows: one holder at a time, released by the OS when the holder dies.
            _lock = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            _lock.SetLength(0);
            var pid = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            _lock.Write(pid);
            _lock.Flush();
            return true;
        }
        catch (IOException)
        {
            logger.LogWarning(
                "Another process runs the workers on {Database} (it holds {LockFile}): this process serves the UI and API only and runs no deliveries", file, LockFile);
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
