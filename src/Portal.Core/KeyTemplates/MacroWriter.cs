namespace Portal.Core.KeyTemplates;

/// <summary>Writes one macro's value. All times are UTC; years are zero-padded to 4 digits.</summary>
internal static class MacroWriter
{
    public static void Write(ref KeyWriter w, MacroKind macro, in KeyValues v)
    {
        switch (macro)
        {
            case MacroKind.Extension: w.Append(v.Extension); break;
            case MacroKind.StreamId: w.Append(v.StreamId); break;
            case MacroKind.StreamName: w.Append(v.StreamName); break;
            case MacroKind.ConnectionId: w.Append(v.ConnectionId); break;
            case MacroKind.ConnectionRunId: w.Append(v.ConnectionRunId); break;
            case MacroKind.StreamRunId: w.Append(v.StreamRunId); break;
            case MacroKind.Part: w.AppendPadded(v.Part, 12); break;
            case MacroKind.DateTime or MacroKind.Timestamp: Underscored(ref w, Utc(v.LoadTime), '_', '_'); break;
            case MacroKind.IsoDateTime: Iso(ref w, Utc(v.LoadTime)); break;
            case MacroKind.Date: Date(ref w, Utc(v.LoadTime), '_'); break;
            case MacroKind.IsoDate: Date(ref w, Utc(v.LoadTime), '-'); break;
            case MacroKind.Year: w.AppendPadded(Utc(v.LoadTime).Year, 4); break;
            case MacroKind.Month: w.AppendPadded(Utc(v.LoadTime).Month, 2); break;
            case MacroKind.Day: w.AppendPadded(Utc(v.LoadTime).Day, 2); break;
            case MacroKind.Hour: w.AppendPadded(Utc(v.LoadTime).Hour, 2); break;
            case MacroKind.Minute: w.AppendPadded(Utc(v.LoadTime).Minute, 2); break;
            case MacroKind.Second: w.AppendPadded(Utc(v.LoadTime).Second, 2); break;
            case MacroKind.DumpTime when v.DumpName is { } name: w.Append(name); break;
            case MacroKind.DumpTime: DumpTime(ref w, Utc(v.LoadTime)); break;
            case MacroKind.CursorYear: w.AppendPadded(Cursor(v).Year, 4); break;
            case MacroKind.CursorMonth: w.AppendPadded(Cursor(v).Month, 2); break;
            case MacroKind.CursorDay: w.AppendPadded(Cursor(v).Day, 2); break;
            case MacroKind.CursorDateTime: Underscored(ref w, Cursor(v), '_', '_'); break;
            case MacroKind.CursorIsoDateTime: Iso(ref w, Cursor(v)); break;
            case MacroKind.CursorSingularDateTime: Underscored(ref w, Cursor(v), '-', '-'); break;
            default: throw new ArgumentOutOfRangeException(nameof(macro), macro, "Unknown macro.");
        }
    }

    private static DateTime Utc(DateTimeOffset time) => time.UtcDateTime;

    private static DateTime Cursor(in KeyValues v) =>
        v.Cursor?.UtcDateTime ?? throw new InvalidOperationException($"The stream '{v.StreamName}' has no cursor, but the template uses a cursor macro.");

    private static void Date(ref KeyWriter w, DateTime t, char separator)
    {
        w.AppendPadded(t.Year, 4);
        w.Append(separator);
        w.AppendPadded(t.Month, 2);
        w.Append(separator);
        w.AppendPadded(t.Day, 2);
    }

    // %Y_%m_%d_%H_%M_%S, or %Y-%m-%d-%H-%M-%S
    private static void Underscored(ref KeyWriter w, DateTime t, char dateSeparator, char timeSeparator)
    {
        Date(ref w, t, dateSeparator);
        w.Append(dateSeparator);
        w.AppendPadded(t.Hour, 2);
        w.Append(timeSeparator);
        w.AppendPadded(t.Minute, 2);
        w.Append(timeSeparator);
        w.AppendPadded(t.Second, 2);
    }

    private static void Iso(ref KeyWriter w, DateTime t)
    {
        DumpTime(ref w, t);
        w.Append(':');
        w.AppendPadded(t.Second, 2);
        w.Append('Z');
    }

    private static void DumpTime(ref KeyWriter w, DateTime t)
    {
        Date(ref w, t, '-');
        w.Append('T');
        w.AppendPadded(t.Hour, 2);
        w.Append(':');
        w.AppendPadded(t.Minute, 2);
    }
}
