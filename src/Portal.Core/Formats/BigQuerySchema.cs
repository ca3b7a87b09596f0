namespace Portal.Core.Formats;

using System.Text.Json.Nodes;

/// <summary>A stream's schema as BigQuery's JSON schema: <c>[{"name","type","mode"}]</c>.</summary>
public static class BigQuerySchema
{
    public static string TypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => "INTEGER",
        ColumnKind.Real => "FLOAT",
        ColumnKind.Decimal => "NUMERIC",
        ColumnKind.Boolean => "BOOLEAN",
        ColumnKind.Date => "DATE",
        ColumnKind.Timestamp => "TIMESTAMP",
        ColumnKind.Blob => "BYTES",
        _ => "STRING",
    };

    public static JsonArray For(IEnumerable<SourceColumn> columns) =>
        new(columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["type"] = TypeOf(c.Kind),
            ["mode"] = c.Nullable ? "NULLABLE" : "REQUIRED",
        }).ToArray());
}
