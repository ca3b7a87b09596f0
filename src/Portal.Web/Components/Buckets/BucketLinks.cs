namespace Portal.Web.Components.Buckets;

/// <summary>
/// Addresses of the Buckets area; the prefix is in the URL so a view can be shared and reloaded.
/// Other pages (runs) link to <c>/buckets/{id}?prefix=…</c> and <c>/buckets/{id}/receipt?prefix=…</c> the same way.
/// </summary>
public static class BucketLinks
{
    public static string Browse(Guid connectionId, string? folder = null, string? key = null, string? search = null)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(folder)) query.Add("prefix=" + Uri.EscapeDataString(folder));
        if (!string.IsNullOrEmpty(search)) query.Add("search=" + Uri.EscapeDataString(search));
        if (!string.IsNullOrEmpty(key)) query.Add("key=" + Uri.EscapeDataString(key));
        return $"/buckets/{connectionId}" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    public static string Receipt(Guid connectionId, string? folder = null) =>
        $"/buckets/{connectionId}/receipt" + (string.IsNullOrEmpty(folder) ? "" : "?prefix=" + Uri.EscapeDataString(folder));

    public static string Artifacts(Guid connectionId) => $"/buckets/{connectionId}/artifacts";

    public static string Run(long runId) => $"/runs/{runId}";
}
