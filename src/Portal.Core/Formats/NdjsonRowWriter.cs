namespace Portal.Core.Formats;

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

/// <summary>
/// One JSON object per line (jsonl and ndjson), keys in source order: integers and reals as numbers
/// (NaN and infinities as null), exact decimals as strings, timestamps RFC 3339 UTC, dates yyyy-MM-dd,
/// booleans, blobs base64, NULL as null. Rows collect in a small buffer that is written on asynchronously.
/// </summary>
public sealed class NdjsonRowWriter : IRowWriter
{
    private const int FlushAt = 64 * 1024;
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Stream _output;
    private readonly JsonEncodedText[] _names;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);
    private readonly Utf8JsonWriter _json;

    public NdjsonRowWriter(Stream output, IReadOnlyList<SourceColumn> columns)
    {
        _output = output;
        _names = columns.Select(c => JsonEncodedText.Encode(c.Name, Options.Encoder)).ToArray();
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    public async ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        for (var i = 0; i < _names.Length; i++)
        {
            _json.WritePropertyName(_names[i]);
            WriteValue(_json, row[i]);
        }
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_buffer.WrittenCount >= FlushAt) await FlushAsync(cancellationToken);
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case double or float: json.WriteNullValue(); break;
            case decimal m: WriteDecimal(json, m); break;
            case DateTime t when t.Kind != DateTimeKind.Local && t.Ticks % TimeSpan.TicksPerSecond == 0: WriteWholeSeconds(json, t); break;
            case bool b: json.WriteBooleanValue(b); break;
            case byte[] bytes: json.WriteBase64StringValue(bytes); break;
            default: json.WriteStringValue(ValueText.Format(value)); break;
        }
    }

    // The same text as ValueText, formatted on the stack.
    private static void WriteDecimal(Utf8JsonWriter json, decimal value)
    {
        Span<char> text = stackalloc char[32];
        if (value.TryFormat(text, out var written, default, System.Globalization.CultureInfo.InvariantCulture)) json.WriteStringValue(text[..written]);
        else json.WriteStringValue(ValueText.Decimal(value));
    }

    // yyyy-MM-ddTHH:mm:ssZ: the sortable format and a Z, as ValueText.Timestamp writes a time of whole seconds.
    private static void WriteWholeSeconds(Utf8JsonWriter json, DateTime value)
    {
        Span<char> text = stackalloc char[24];
        if (value.TryFormat(text, out var written, "s", System.Globalization.CultureInfo.InvariantCulture))
        {
            text[written++] = 'Z';
            json.WriteStringValue(text[..written]);
        }
        else
        {
            json.WriteStringValue(ValueText.Timestamp(value));
        }
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
