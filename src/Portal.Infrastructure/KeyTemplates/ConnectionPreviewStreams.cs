namespace Portal.Infrastructure.KeyTemplates;

using Portal.Core.Connections;
using Portal.Core.KeyTemplates;

/// <summary>A connection's streams as a preview sees them: name, id and the cursor the next run starts from.</summary>
public static class ConnectionPreviewStreams
{
    public static IReadOnlyList<PreviewStream> Of(Connection connection) =>
        connection.Streams.OrderBy(s => s.Position).ThenBy(s => s.Name)
            .Select(s => new PreviewStream(s.Id.ToString(), s.Name, CursorOf(s))).ToList();

    /// <summary>
    /// The mark the next run starts from: the saved high-water mark, else the configured start, else
    /// the beginning of time (a first run reads everything). Null when the stream has no cursor column.
    /// </summary>
    public static DateTimeOffset? CursorOf(ConnectionStream stream)
    {
        if (string.IsNullOrEmpty(stream.CursorColumn)) return null;
        return KeyPreviewService.CursorOf(stream.CursorValue ?? stream.CursorStart);
    }
}
