namespace Portal.Core.Formats;

/// <summary>
/// Writes rows of one stream into a file format on a <see cref="Stream"/>. Rows arrive one at a time
/// as values in column order: long, double, decimal, string, bool, DateOnly, DateTime (UTC), byte[] or null.
/// </summary>
public interface IRowWriter : IAsyncDisposable
{
    ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken);

    /// <summary>Writes what is buffered and the format's footer; the stream stays open.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
