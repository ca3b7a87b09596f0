namespace Portal.Core.KeyTemplates;

using System.Buffers;

/// <summary>Builds a key in a stack buffer, growing into a pooled array only for long keys.</summary>
internal ref struct KeyWriter
{
    private Span<char> _buffer;
    private char[]? _rented;
    private int _length;

    public KeyWriter(Span<char> initial)
    {
        _buffer = initial;
        _rented = null;
        _length = 0;
    }

    public void Append(char c)
    {
        if (_length == _buffer.Length) Grow(1);
        _buffer[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _buffer.Length) Grow(text.Length);
        text.CopyTo(_buffer[_length..]);
        _length += text.Length;
    }

    /// <summary>Appends a non-negative number zero-padded to <paramref name="width"/> digits.</summary>
    public void AppendPadded(long value, int width)
    {
        var digits = 1;
        for (var rest = value; rest >= 10; rest /= 10) digits++;
        var total = Math.Max(width, digits);
        if (_length + total > _buffer.Length) Grow(total);
        var span = _buffer.Slice(_length, total);
        for (var i = total - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + (int)(value % 10));
            value /= 10;
        }
        _length += total;
    }

    public override readonly string ToString() => new(_buffer[.._length]);

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<char>.Shared.Return(_rented);
        _rented = null;
    }

    private void Grow(int needed)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer[.._length].CopyTo(next);
        if (_rented is not null) ArrayPool<char>.Shared.Return(_rented);
        _rented = next;
        _buffer = next;
    }
}
