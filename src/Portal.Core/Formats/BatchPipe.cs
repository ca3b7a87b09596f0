namespace Portal.Core.Formats;

using System.Runtime.CompilerServices;
using System.Threading.Channels;

/// <summary>
/// Reads ahead: a source fills batches on a task of its own while its consumer writes the batch before, through a
/// rotation of <see cref="Depth"/> batches (so memory is bounded by them, however many rows there are). A batch the
/// consumer is given stays valid until it asks for the next one; then it goes back to be filled again.
/// </summary>
public sealed class BatchPipe
{
    public const int Depth = 3;

    private readonly Channel<RowBatch> _empty = Channel.CreateBounded<RowBatch>(Depth);
    private readonly Channel<RowBatch> _full = Channel.CreateBounded<RowBatch>(Depth);

    private BatchPipe(int columns)
    {
        for (var i = 0; i < Depth; i++) _empty.Writer.TryWrite(RowBatch.For(columns));
    }

    /// <summary>A cleared batch to fill (waits while the consumer still holds every batch).</summary>
    public async ValueTask<RowBatch> NextAsync(CancellationToken cancellationToken)
    {
        var batch = await _empty.Reader.ReadAsync(cancellationToken);
        batch.Clear();
        return batch;
    }

    /// <summary>Hands a filled batch to the consumer.</summary>
    public ValueTask PublishAsync(RowBatch batch, CancellationToken cancellationToken) => _full.Writer.WriteAsync(batch, cancellationToken);

    /// <summary>
    /// The batches <paramref name="produce"/> fills and publishes on a task of its own, in order. Its failure is thrown to
    /// the consumer; a consumer that stops early (or is cancelled) cancels it, and the producer has ended when this ends.
    /// </summary>
    public static async IAsyncEnumerable<RowBatch> ReadAsync(
        int columns, Func<BatchPipe, CancellationToken, Task> produce, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pipe = new BatchPipe(columns);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(pipe, stop.Token);
                pipe._full.Writer.TryComplete();
            }
            catch (Exception e)
            {
                pipe._full.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var batch in pipe._full.Reader.ReadAllAsync(cancellationToken))
            {
                if (batch.Count > 0) yield return batch;
                pipe._empty.Writer.TryWrite(batch);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
    }
}
