namespace Portal.Core.Formats;

using System.Buffers;
using System.Text;

/// <summary>
/// RFC 4180 csv with a header row, UTF-8 without BOM and '\n' line ends. NULL is an empty field; an
/// empty string is written quoted ("") so the two stay apart. Rows collect in a small buffer that is
/// written on asynchronously.
/// </summary>
public sealed class CsvRowWriter : IRowWriter
{
    private const int FlushAt = 32 * 1024;
    private readonly Stream _output;
    private readonly int _columns;
    private readonly StringBuilder _text = new(FlushAt * 2);

    public CsvRowWriter(Stream output, IReadOnlyList<SourceColumn> columns)
    {
        _output = output;
        _columns = columns.Count;
        AppendLine(columns.Select(c => (object?)c.Name).ToArray());
    }

    public async ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        AppendLine(row);
        if (_text.Length >= FlushAt) await FlushAsync(cancellationToken);
    }

    private void AppendLine(object?[] values)
    {
        for (var i = 0; i < _columns; i++)
        {
            if (i > 0) _text.Append(',');
            var text = ValueText.Format(values[i]);
            if (text is null) continue;
            if (text.Length == 0 || text.AsSpan().IndexOfAny(",\"\n\r") >= 0)
                _text.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else
                _text.Append(text);
        }
        _text.Append('\n');
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(_text.Length));
        try
        {
            // One encoder across chunks: a surrogate pair may be split between two of them.
            var encoder = Encoding.UTF8.GetEncoder();
            var count = 0;
            foreach (var chunk in _text.GetChunks()) count += encoder.GetBytes(chunk.Span, bytes.AsSpan(count), flush: false);
            count += encoder.GetBytes(ReadOnlySpan<char>.Empty, bytes.AsSpan(count), flush: true);
            await _output.WriteAsync(bytes.AsMemory(0, count), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        _text.Clear();
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
