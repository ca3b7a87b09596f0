namespace Portal.Core.Formats;

using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

/// <summary>
/// RFC 4180 csv with a header row, UTF-8 without BOM and '\n' line ends. NULL is an empty field; an
/// empty string is written quoted ("") so the two stay apart. Rows are written from a <see cref="RowBatch"/> as UTF-8
/// without a string per value, into a small buffer that is written on asynchronously.
/// </summary>
public sealed class CsvRowWriter : IRowWriter
{
    private const int FlushAt = 64 * 1024;
    private readonly Stream _output;
    private readonly int _columns;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);

    public CsvRowWriter(Stream output, IReadOnlyList<SourceColumn> columns)
    {
        _output = output;
        _columns = columns.Count;
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) Append(","u8);
            Field(Encoding.UTF8.GetBytes(columns[i].Name));
        }
        Append("\n"u8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask WriteRowAsync(RowBatch batch, int row, CancellationToken cancellationToken)
    {
        Span<byte> scalar = stackalloc byte[ValueText.MaxScalarBytes];
        for (var i = 0; i < _columns; i++)
        {
            if (i > 0) Append(","u8);
            switch (batch.Kind(row, i))
            {
                case CellKind.Null:
                    break;
                case CellKind.Text:
                    var text = batch.Bytes(row, i);
                    // Text that is not valid UTF-8 is read as .NET reads it (U+FFFD for each bad sequence).
                    Field(Utf8.IsValid(text) ? text : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text)));
                    break;
                case CellKind.Decimal:
                    Field(batch.Bytes(row, i));
                    break;
                case CellKind.Blob:
                    var blob = batch.Bytes(row, i);
                    if (blob.IsEmpty)
                    {
                        Field([]);
                        break;
                    }
                    var span = _buffer.GetSpan(Base64.GetMaxEncodedToUtf8Length(blob.Length));
                    Base64.EncodeToUtf8(blob, span, out _, out var encoded);
                    _buffer.Advance(encoded);
                    break;
                default:
                    if (ValueText.TryFormatUtf8(batch, row, i, scalar, out var written)) Append(scalar[..written]);
                    break;
            }
        }
        Append("\n"u8);
        return _buffer.WrittenCount >= FlushAt ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    // A field quoted (its quotes doubled) when it is empty or holds a comma, quote or line end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Field(ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty && value.IndexOfAny(",\"\n\r"u8) < 0)
        {
            Append(value);
            return;
        }
        Append("\""u8);
        for (var quote = value.IndexOf((byte)'"'); quote >= 0; quote = value.IndexOf((byte)'"'))
        {
            Append(value[..(quote + 1)]);
            Append("\""u8);
            value = value[(quote + 1)..];
        }
        Append(value);
        Append("\""u8);
    }

    private void Append(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _output.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _buffer.ResetWrittenCount();
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
