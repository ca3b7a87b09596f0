namespace Portal.IntegrationTests.Delivery;

using System.Globalization;
using System.Text.Json;
using CsCheck;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

/// <summary>
/// Incremental exports by cursor, for every kind of cursor column, on real SQLite files and a real PostgreSQL
/// into Ceph: random batches of rows committed between random numbers of runs, some of which fail (their files
/// are in the bucket, their marks are not saved). After each successful run the rows delivered by successful
/// runs are exactly the rows committed before it started, none twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CursorPropertyTests(PostgresServer postgres)
{
    /// <summary>A cursor column's type on one source, and how the n-th value of a growing sequence is written in it.</summary>
    public sealed record CursorCase(string Name, bool Postgres, string ColumnType, Func<long, string> Literal, CursorKind Kind);

    private static readonly DateTime Epoch = new(2024, 12, 30, 23, 59, 0, DateTimeKind.Utc);

    // Values cross digit counts (95 → 105 → 1000…) so text order and numeric order disagree.
    private static string Number(long v) => (90 + v * 3 + v * v).ToString(CultureInfo.InvariantCulture);

    public static readonly TheoryData<string> Cases = new(
        "sqlite integer", "sqlite real", "sqlite decimal", "sqlite text timestamp", "sqlite untyped integer", "sqlite untyped real",
        "pg serial", "pg bigint", "pg numeric", "pg timestamptz", "pg date", "pg text");

    private static CursorCase Case(string name) => name switch
    {
        "sqlite integer" => new(name, false, "INTEGER", Number, CursorKind.Integer),
        "sqlite real" => new(name, false, "REAL", v => Number(v) + ".25", CursorKind.Real),
        "sqlite decimal" => new(name, false, "DECIMAL(12,2)", v => Number(v) + ".5", CursorKind.Decimal),
        "sqlite text timestamp" => new(name, false, "TEXT", v => $"'{Epoch.AddSeconds(Square(v)):yyyy-MM-dd'T'HH:mm:ss'Z'}'", CursorKind.Text),
        "sqlite untyped integer" => new(name, false, "", Number, CursorKind.Integer),
        "sqlite untyped real" => new(name, false, "", v => Number(v) + ".75", CursorKind.Real),
        "pg serial" => new(name, true, "serial", Number, CursorKind.Integer),
        "pg bigint" => new(name, true, "bigint", v => Number(v) + "000000000", CursorKind.Integer),
        "pg numeric" => new(name, true, "numeric", v => Number(v) + ".123456789012345678901234567890", CursorKind.Decimal),
        "pg timestamptz" => new(name, true, "timestamptz", v => $"'{Epoch.AddTicks(Square(v) * 10 + 7):yyyy-MM-dd HH:mm:ss.ffffff}+00'", CursorKind.Timestamp),
        "pg date" => new(name, true, "date", v => $"'{DateOnly.FromDateTime(Epoch).AddDays((int)Square(v)):yyyy-MM-dd}'", CursorKind.Date),
        "pg text" => new(name, true, "text", v => $"'k{v:D6}'", CursorKind.Text),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static long Square(long v) => v * v + 9 * v;

    /// <summary>One run: how many rows are committed before it, in how many distinct cursor values, and whether it fails.</summary>
    public sealed record Step(int Rows, int Values, bool Fails);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 6], Gen.Int[1, 3], Gen.Int[0, 3]).Select((rows, values, fail) => new Step(rows, Math.Min(values, Math.Max(rows, 1)), fail == 0));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_row_committed_before_a_successful_run_is_delivered_exactly_once(string caseName)
    {
        var c = Case(caseName);
        var ceph = new CephServer();
        await ceph.InitializeAsync();
        var connectionString = c.Postgres ? await postgres.CreateDatabaseAsync() : null;
        try
        {
            using var export = new DumpHarness(ceph, await ceph.CreateBucketAsync("cursor"));
            var source = c.Postgres
                ? new Source
                {
                    Name = "pg", Kind = SourceKind.Postgres,
                    ConnectionStringCipher = export.App.Services.GetRequiredService<ISecretProtector>().Protect(SecretKind.SourceConnectionString, connectionString!),
                }
                : export.Source;
            var connection = export.Connection;
            connection.Kind = DeliveryKind.StreamExport;
            connection.Format = "jsonl";
            connection.Compression = "none";
            connection.Template = "exports/{stream_name}/{connection_run_id}_{part}.{extension}";
            var table = 0;
            var runId = 0L;
            await StepGen.Array[1, 6].SampleAsync(async steps =>
            {
                var name = $"t{++table}";
                await ExecuteAsync(c, export, connectionString, $"CREATE TABLE {name} (id INTEGER NOT NULL, c {c.ColumnType})");
                var stream = new ConnectionStream { Name = name, Table = name, CursorColumn = "c" };
                connection.Streams = [stream];
                var committed = new List<long>();
                var delivered = new List<long>();
                long nextId = 0, nextValue = 0;
                foreach (var step in steps)
                {
                    // A batch: rows with cursor values above every earlier one (ties inside the batch), in random order.
                    var rows = Enumerable.Range(0, step.Rows).Select(i => (Id: ++nextId, Value: nextValue + i % step.Values)).OrderBy(r => r.Id * 7919 % 13).ToList();
                    if (rows.Count > 0)
                    {
                        await ExecuteAsync(c, export, connectionString,
                            $"INSERT INTO {name} (id, c) VALUES " + string.Join(", ", rows.Select(r => $"({r.Id}, {c.Literal(r.Value)})")));
                        committed.AddRange(rows.Select(r => r.Id));
                        nextValue += step.Values;
                    }
                    var outcome = (await export.RunAsync(++runId, DateTimeOffset.UtcNow, source: source)).Streams.Single();
                    if (step.Fails) continue; // its files are in the bucket, but its mark is not saved
                    if (committed.Count > 0) Assert.Equal(c.Kind, outcome.CursorKind);
                    foreach (var file in outcome.Files)
                        foreach (var line in (await export.TextAsync(file.Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                            delivered.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt64());
                    (stream.CursorValue, stream.CursorKind) = (outcome.NewMark, outcome.CursorKind);
                    Assert.Equal(delivered.Count, delivered.Distinct().Count());
                    Assert.Equal(committed.Order(), delivered.Order());
                }
            }, iter: 6, threads: 1);
        }
        finally
        {
            await ceph.DisposeAsync();
        }
    }

    private static async Task ExecuteAsync(CursorCase c, DumpHarness export, string? postgresConnection, string sql)
    {
        if (c.Postgres)
        {
            await using var pg = new NpgsqlConnection(postgresConnection);
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand(sql, pg);
            await command.ExecuteNonQueryAsync();
            return;
        }
        await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(export.App.DataDirectory, "sources", "chinook.sqlite")};Pooling=False");
        await sqlite.OpenAsync();
        await using var cmd = sqlite.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
