namespace Portal.IntegrationTests.Delivery;

using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// The real portal processes of one test: a data folder, a bootstrap admin with an API token, and every process
/// started, killed at the end with the folder removed.
/// </summary>
internal sealed class PortalNodes
{
    private readonly List<PortalProcess> _processes = [];

    public PortalNodes(string name)
    {
        Data = Path.Combine(Path.GetTempPath(), $"portal-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(Data, "sources"));
    }

    public string Data { get; }

    public string Token { get; } = "ptl_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    /// <summary>The SQLite database of these nodes, when they use none other.</summary>
    public string SqliteConnectionString => $"Data Source={Path.Combine(Data, "portal.db")}";

    /// <summary>Starts a web node (or a worker) on these nodes' folder and admin, SQLite unless <paramref name="settings"/> say otherwise.</summary>
    public PortalProcess Start(IReadOnlyDictionary<string, string>? settings = null, bool worker = false)
    {
        var all = new Dictionary<string, string>
        {
            ["Portal:DataDirectory"] = Data,
            ["ConnectionStrings:Portal"] = SqliteConnectionString,
            ["Portal:Bootstrap:AdminEmail"] = "admin@nodes.test",
            ["Portal:Bootstrap:AdminPassword"] = "Admin-Passw0rd!-nodes",
            ["Portal:Bootstrap:AdminApiToken"] = Token,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        var process = PortalProcess.Start(all, worker);
        _processes.Add(process);
        return process;
    }

    /// <summary>Kills every process started and removes the folder (called from the test's own DisposeAsync).</summary>
    public async Task StopAllAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
