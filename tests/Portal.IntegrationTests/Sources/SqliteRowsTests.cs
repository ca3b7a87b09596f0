namespace Portal.IntegrationTests.Sources;

using System.Globalization;
using Microsoft.Data.Sqlite;
using Portal.Core.Formats;
using Portal.Infrastructure.Sources;

/// <summary>
/// A SQLite file read through SQLite's C API into batches gives, value for value, what Microsoft.Data.Sqlite reads
/// converted by the column's kind (the rules the portal kept from before): every storage class in every kind of column,
/// text that is not valid UTF-8, empty text, a wide blob, NULLs, past a batch's rows, in a UTF-8 and a UTF-16 file. Two
/// rules changed on purpose: a REAL past decimal's range in a decimal column, and epoch seconds past DateTime's range in
/// a time column, are kept as they are (both threw before and failed the dump).
/// </summary>
public sealed class SqliteRowsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-sqlite-rows-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Values =
    [
        "NULL", "0", "-7", "9007199254740993", "1600000000", "99999999999999", "2.0", "2.5", "-0.0", "1e300", "0.1", "1234.56",
        "''", "'12.50'", "'abc'", "'2025-04-14 11:23:45'", "'2025-04-14T11:23:45.123Z'", "'2025-02-30'", "'2025-04-14'",
        "'Müller \"quoted\", line\nbreak'", "CAST(x'C328FF41' AS TEXT)", "x''", "x'00FF10'", "zeroblob(3000000)",
    ];

    private const string Columns = "i INTEGER, r REAL, d NUMERIC(12,2), b BOOLEAN, t DATETIME, dt DATE, s TEXT, x BLOB, \"odd \"\" name\"";

    private static string Create(string path, string encoding)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA encoding = '{encoding}'; CREATE TABLE t ({Columns});";
        command.ExecuteNonQuery();
        // Every value in every column, then enough plain rows to cross a batch.
        var width = Columns.Split(", ").Length;
        foreach (var value in Values)
        {
            command.CommandText = $"INSERT INTO t VALUES ({string.Join(", ", Enumerable.Repeat(value, width))})";
            command.ExecuteNonQuery();
        }
        command.CommandText = """
            WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 2500)
            INSERT INTO t SELECT k, k / 3.0, k * 0.25, k % 2, datetime(1600000000 + k, 'unixepoch'), date(1600000000 + k * 86400, 'unixepoch'), 'row ' || k, randomblob(k % 5), k FROM n;
            """;
        command.ExecuteNonQuery();
        return path;
    }

    // What the portal read before rows came in batches: GetValue, converted by the column's kind.
    private static object? Expected(object? value, ColumnKind kind) => value switch
    {
        null or DBNull => null,
        _ => kind switch
        {
            ColumnKind.Integer when value is double d && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            ColumnKind.Real when value is long l => (double)l,
            ColumnKind.Decimal => value switch
            {
                long l => (decimal)l,
                double d when double.IsFinite(d) && decimal.TryParse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => m,
                string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => m,
                _ => value,
            },
            ColumnKind.Boolean when value is long l => l != 0,
            ColumnKind.Timestamp => value switch
            {
                string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                // Epoch seconds within DateTime's range (before, a value past it threw and failed the dump).
                long seconds when seconds is >= -62_135_596_800 and <= 253_402_300_799 => DateTime.UnixEpoch.AddSeconds(seconds),
                _ => value,
            },
            ColumnKind.Date when value is string s && DateOnly.TryParse(s[..Math.Min(10, s.Length)], CultureInfo.InvariantCulture, out var date) => date,
            _ => value,
        },
    };

    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (byte[] a, byte[] b) => a.SequenceEqual(b),
        (double a, double b) => a.Equals(b),
        (decimal a, decimal b) => a == b && a.ToString(CultureInfo.InvariantCulture) == b.ToString(CultureInfo.InvariantCulture),
        _ => Equals(expected, actual),
    };

    [Theory]
    [InlineData("UTF-8")]
    [InlineData("UTF-16le")]
    public async Task Every_storage_class_in_every_kind_of_column_reads_as_before(string encoding)
    {
        var path = Create(Path.Combine(_folder, encoding + ".db"), encoding);
        await using var reader = new SqliteSourceReader(path);
        var columns = await reader.ColumnsAsync("t", default);
        var actual = new List<object?[]>();
        await foreach (var batch in reader.ReadAsync("t", columns, null, default))
            for (var row = 0; row < batch.Count; row++) actual.Add(batch.Row(row));

        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM t";
        using var rows = command.ExecuteReader();
        var index = 0;
        while (rows.Read())
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var expected = Expected(rows.GetValue(i), columns[i].Kind);
                Assert.True(Same(expected, actual[index][i]),
                    $"row {index}, column {columns[i].Name} ({columns[i].Kind}): expected {expected ?? "null"} ({expected?.GetType().Name}), read {actual[index][i] ?? "null"} ({actual[index][i]?.GetType().Name})");
            }
            index++;
        }
        Assert.Equal(index, actual.Count);
        Assert.Equal(Values.Length + 2500, index);
    }

    // A writer's transaction holding the file (one row written, not committed).
    private static SqliteConnection Lock(string path)
    {
        var writer = new SqliteConnection($"Data Source={path};Pooling=False");
        writer.Open();
        using var exclusive = writer.CreateCommand();
        exclusive.CommandText = "BEGIN EXCLUSIVE; INSERT INTO t (i) VALUES (-1);";
        exclusive.ExecuteNonQuery();
        return writer;
    }

    [Fact]
    public async Task A_file_locked_by_a_writer_is_waited_for_and_then_read_whole()
    {
        var path = Create(Path.Combine(_folder, "locked.db"), "UTF-8");
        await using var reader = new SqliteSourceReader(path);
        var columns = await reader.ColumnsAsync("t", default);
        using var writer = Lock(path);
        var release = Task.Run(async () =>
        {
            await Task.Delay(700);
            using var commit = writer.CreateCommand();
            commit.CommandText = "COMMIT";
            commit.ExecuteNonQuery();
        });

        var count = 0;
        await foreach (var batch in reader.ReadAsync("t", columns, null, default)) count += batch.Count;
        await release;
        Assert.Equal(Values.Length + 2500 + 1, count);
    }

    [Fact]
    public async Task A_cancel_interrupts_the_wait_for_a_locked_file()
    {
        var path = Create(Path.Combine(_folder, "held.db"), "UTF-8");
        await using var reader = new SqliteSourceReader(path);
        var columns = await reader.ColumnsAsync("t", default);
        using var writer = Lock(path);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync("t", columns, null, cancel.Token)) { }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The cancel took {clock.Elapsed}: the wait for the lock was not interrupted.");
    }
}
