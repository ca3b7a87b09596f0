namespace Portal.Core.Runs;

using System.Text.Json;

/// <summary>What a backfill reads: for each of <see cref="Streams"/>, the rows with <c>From &lt; cursor ≤ To</c> (no lower bound when From is null).</summary>
public sealed record BackfillRange(IReadOnlyList<string> Streams, string? From, string To)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BackfillRange? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<BackfillRange>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
