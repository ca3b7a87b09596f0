namespace Portal.IntegrationTests.Delivery;

using System.Text;

/// <summary>A strict RFC 4180 reader for tests: an unquoted empty field is null, a quoted one is "".</summary>
internal static class Csv
{
    public static List<List<string?>> Parse(string text)
    {
        var records = new List<List<string?>>();
        var record = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = wasQuoted = true; break;
                case ',': record.Add(Take()); break;
                case '\n': record.Add(Take()); records.Add(record); record = []; break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || record.Count > 0) { record.Add(Take()); records.Add(record); }
        return records;

        string? Take()
        {
            var value = field.Length == 0 && !wasQuoted ? null : field.ToString();
            field.Clear();
            wasQuoted = false;
            return value;
        }
    }
}
