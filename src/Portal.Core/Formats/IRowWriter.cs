namespace Portal.Core.Formats;

/// <summary>
/// Writes rows of one stream into a file format on a <see cref="Stream"/>: one row of a <see cref="RowBatch"/> at a
/// time, its cells in column order.
/// </summary>
public interface IRowWriter : IAsyncDisposable
{
    ValueTask WriteRowAsync(RowBatch batch, int row, CancellationToken cancellationToken);

    /// <summary>Writes what is buffered and the format's footer; the stream stays open.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
