namespace Portal.Core.Formats;

using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

/// <summary>
/// One JSON object per line (jsonl and ndjson), keys in source order: integers and reals as numbers
/// (NaN and infinities as null), exact decimals as strings, timestamps RFC 3339 UTC, dates yyyy-MM-dd,
/// booleans, blobs base64, NULL as null. Rows are written from a <see cref="RowBatch"/> straight into a small UTF-8 buffer,
/// without a string or object per value, and the buffer is written on asynchronously.
/// </summary>
public sealed class NdjsonRowWriter : IRowWriter
{
    private const int FlushAt = 64 * 1024;
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Stream _output;
    private readonly byte[][] _keys;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);

    // Only for text that needs escaping: writes a lone string value into the same buffer.
    private readonly Utf8JsonWriter _json;

    public NdjsonRowWriter(Stream output, IReadOnlyList<SourceColumn> columns)
    {
        _output = output;
        // {"first": and ,"next": with each name escaped once.
        _keys = columns.Select((c, i) => (byte[])[(byte)(i == 0 ? '{' : ','), (byte)'"', .. JsonEncodedText.Encode(c.Name, Options.Encoder).EncodedUtf8Bytes, (byte)'"', (byte)':']).ToArray();
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask WriteRowAsync(RowBatch batch, int row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            _buffer.Write(_keys[i]);
            WriteCell(batch, row, i);
        }
        _buffer.Write("}\n"u8);
        return _buffer.WrittenCount >= FlushAt ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    // Each value as Utf8JsonWriter writes it (a test holds them to it), formatted straight into the buffer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteCell(RowBatch batch, int row, int column)
    {
        Span<byte> span;
        int written;
        switch (batch.Kind(row, column))
        {
            case CellKind.Null:
                _buffer.Write("null"u8);
                break;
            case CellKind.Integer:
                span = _buffer.GetSpan(24);
                batch.Integer(row, column).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                _buffer.Advance(written);
                break;
            case CellKind.Real when double.IsFinite(batch.Real(row, column)):
                span = _buffer.GetSpan(32);
                Utf8Formatter.TryFormat(batch.Real(row, column), span, out written);
                _buffer.Advance(written);
                break;
            case CellKind.Real:
                _buffer.Write("null"u8);
                break;
            case CellKind.Boolean:
                _buffer.Write(batch.Boolean(row, column) ? "true"u8 : "false"u8);
                break;
            case CellKind.Decimal:
                Quoted(batch.Bytes(row, column));
                break;
            case CellKind.Text:
                WriteText(batch.Bytes(row, column));
                break;
            case CellKind.Blob:
                var blob = batch.Bytes(row, column);
                span = _buffer.GetSpan(Base64.GetMaxEncodedToUtf8Length(blob.Length) + 2);
                span[0] = (byte)'"';
                Base64.EncodeToUtf8(blob, span[1..], out _, out written);
                span[written + 1] = (byte)'"';
                _buffer.Advance(written + 2);
                break;
            default:
                Span<byte> text = stackalloc byte[ValueText.MaxScalarBytes];
                ValueText.TryFormatUtf8(batch, row, column, text, out written);
                Quoted(text[..written]);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Quoted(ReadOnlySpan<byte> utf8)
    {
        var span = _buffer.GetSpan(utf8.Length + 2);
        span[0] = (byte)'"';
        utf8.CopyTo(span[1..]);
        span[utf8.Length + 1] = (byte)'"';
        _buffer.Advance(utf8.Length + 2);
    }

    // The source's bytes as they are when nothing in them needs escaping; else escaped by Utf8JsonWriter. Text that is not
    // valid UTF-8 is read as .NET reads it (U+FFFD for each bad sequence).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteText(ReadOnlySpan<byte> utf8)
    {
        if (Options.Encoder!.FindFirstCharacterToEncodeUtf8(utf8) < 0 && Utf8.IsValid(utf8))
        {
            Quoted(utf8);
            return;
        }
        _json.Reset();
        if (Utf8.IsValid(utf8)) _json.WriteStringValue(utf8);
        else _json.WriteStringValue(Encoding.UTF8.GetString(utf8));
        _json.Flush();
    }

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

    public ValueTask DisposeAsync() => _json.DisposeAsync();
}
