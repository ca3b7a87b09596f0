namespace Portal.Core.Buckets;

using System.Text;

/// <summary>The start of a text: at most a number of lines and bytes, decoded as UTF-8.</summary>
public sealed record TextSample(string Text, int Lines, long Bytes, bool Truncated, bool Binary)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads from <paramref name="input"/> until <paramref name="maxLines"/> lines or <paramref name="maxBytes"/>
    /// bytes, whichever comes first, and never further (a gzip stream is decompressed only that far).
    /// A sample with NUL bytes or invalid UTF-8 is <see cref="Binary"/>.
    /// </summary>
    public static async Task<TextSample> ReadAsync(Stream input, int maxBytes, int maxLines, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes];
        var filled = 0;
        var lines = 0;
        var scanned = 0;
        var cut = -1;
        while (filled < maxBytes && cut < 0)
        {
            var read = await input.ReadAsync(buffer.AsMemory(filled, maxBytes - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
            for (; scanned < filled; scanned++)
            {
                if (buffer[scanned] != (byte)'\n' || ++lines < maxLines) continue;
                cut = scanned + 1;
                break;
            }
        }
        bool truncated;
        if (cut >= 0)
        {
            truncated = cut < filled || await input.ReadAsync(new byte[1], cancellationToken) > 0;
        }
        else
        {
            cut = filled;
            truncated = filled == maxBytes && await input.ReadAsync(new byte[1], cancellationToken) > 0;
        }
        var length = truncated ? WholeCharacters(buffer, cut) : cut;
        var span = buffer.AsSpan(0, length);
        if (span.Contains((byte)0)) return new TextSample("", 0, cut, truncated, Binary: true);
        try
        {
            var text = StrictUtf8.GetString(span);
            if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
            var lineCount = lines + (length > 0 && buffer[length - 1] != (byte)'\n' ? 1 : 0);
            return new TextSample(text, Math.Min(lineCount, maxLines), cut, truncated, Binary: false);
        }
        catch (DecoderFallbackException)
        {
            return new TextSample("", 0, cut, truncated, Binary: true);
        }
    }

    // A cut in the middle of a multi-byte character drops that character's first bytes.
    private static int WholeCharacters(byte[] buffer, int length)
    {
        var start = length;
        for (var back = 1; back <= 3 && length - back >= 0; back++)
        {
            var b = buffer[length - back];
            if ((b & 0xC0) == 0x80) continue;
            var needed = (b & 0x80) == 0 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            start = needed > back ? length - back : length;
            break;
        }
        return start;
    }
}
