namespace Portal.Infrastructure.Sources;

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Portal.Core.Formats;

/// <summary>A SQLite file, opened read-only.</summary>
public sealed class SqliteSourceReader : ISourceReader
{
    private readonly SqliteConnection _connection;

    public SqliteSourceReader(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        if (_connection.State != System.Data.ConnectionState.Open) await _connection.OpenAsync(ct);
        return _connection;
    }

    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA table_info({Quote(table)})";
        var columns = new List<SourceColumn>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var declared = reader.IsDBNull(2) ? "" : reader.GetString(2);
            columns.Add(new SourceColumn(reader.GetString(1), SqliteColumnKinds.FromDeclared(declared), declared, Nullable: reader.GetInt64(3) == 0 && reader.GetInt64(5) == 0));
        }
        if (columns.Count == 0) throw new InvalidOperationException($"The source has no table '{table}'.");
        return columns;
    }

    public async IAsyncEnumerable<object?[]> ReadAsync(string table, IReadOnlyList<SourceColumn> columns, CursorRange? range, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Name)))} FROM {Quote(table)}" + Where(command, range);
        if (range is not null) command.CommandText += $" ORDER BY {Quote(range.Column)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++) row[i] = SqliteColumnKinds.Convert(reader.GetValue(i), columns[i].Kind);
            yield return row;
        }
    }

    public async Task<string?> MaxCursorAsync(string table, string column, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MAX({Quote(column)}) FROM {Quote(table)}";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long?> EstimateRowsAsync(string table, CursorRange? range, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {Quote(table)}" + Where(command, range);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    // The rows of a run: after the last mark, up to the mark taken at its start.
    private static string Where(SqliteCommand command, CursorRange? range)
    {
        if (range is null) return "";
        command.Parameters.AddWithValue("$upTo", range.UpTo);
        if (range.After is not null) command.Parameters.AddWithValue("$after", range.After);
        return $" WHERE {Quote(range.Column)} <= $upTo" + (range.After is null ? "" : $" AND {Quote(range.Column)} > $after");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
