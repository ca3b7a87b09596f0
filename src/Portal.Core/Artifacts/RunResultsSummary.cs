namespace Portal.Core.Artifacts;

using System.Text.Json;

/// <summary>What a dbt <c>run_results.json</c> says about a command: its elapsed time and result counts.</summary>
public sealed record RunResultsSummary(double ElapsedSeconds, int Success, int Error, int Skipped, int Warn)
{
    /// <summary>Reads a run_results.json; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RunResultsSummary Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"run_results.json is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                throw new FormatException("run_results.json has no 'results' list: it is not a dbt run results file.");
            var elapsed = root.TryGetProperty("elapsed_time", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : 0;
            int success = 0, error = 0, skipped = 0, warn = 0;
            foreach (var result in results.EnumerateArray())
            {
                switch (result.TryGetProperty("status", out var s) ? s.GetString() : null)
                {
                    case "success" or "pass": success++; break;
                    case "error" or "fail" or "runtime error": error++; break;
                    case "skipped": skipped++; break;
                    case "warn": warn++; break;
                }
            }
            return new RunResultsSummary(elapsed, success, error, skipped, warn);
        }
    }
}
