namespace Portal.Tests.Shared;

using Npgsql;

/// <summary>
/// A real PostgreSQL server (Debian package) for a test run, started by tests/infra/postgres-up.sh,
/// or taken from PORTAL_TEST_POSTGRES. Each test asks for its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dir;

    public string AdminConnectionString { get; private set; } = "";

    private bool _shared = true;

    /// <summary>A server of its own, never the run's shared one (PORTAL_TEST_POSTGRES): for tests that stop it.</summary>
    public static PostgresServer Private() => new() { _shared = false };

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");
        if (_shared && !string.IsNullOrEmpty(external))
        {
            AdminConnectionString = external;
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), $"portal-pg-{Guid.NewGuid():N}"[..22]);
        var output = await ScriptRunner.RunAsync("postgres-up.sh", [_dir, FreePort.Next().ToString()]);
        AdminConnectionString = output.Trim().Split('\n')[^1];
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dir is not null) await ScriptRunner.RunAsync("postgres-down.sh", [_dir]);
    }

    /// <summary>Stops the server (a private one), keeping its data.</summary>
    public Task StopAsync() => ScriptRunner.RunAsync("postgres-ctl.sh", [_dir ?? throw new InvalidOperationException("Only a private server can be stopped."), "stop"]);

    /// <summary>Starts a stopped private server again.</summary>
    public Task StartAsync() => ScriptRunner.RunAsync("postgres-ctl.sh", [_dir ?? throw new InvalidOperationException("Only a private server can be started."), "start"]);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"portal_{Guid.NewGuid():N}"[..20];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }
}
