namespace Portal.Core.Tests.Formats;

using System.Text.Json;
using CsCheck;
using Portal.Core.Formats;
using Portal.Core.Receipts;

public sealed class StreamSchemaTests
{
    // Column lists with unique names drawn from a small pool, so that two lists share some names and differ in others.
    private static readonly Gen<List<SourceColumn>> Columns =
        Gen.Select(Gen.Int[0, 11], Gen.Enum<ColumnKind>(), Gen.Bool).List[0, 12]
            .Select(cols => cols.DistinctBy(c => c.Item1).Select(c => new SourceColumn("c" + c.Item1, c.Item2, "", c.Item3)).ToList());

    [Fact]
    public void Every_change_is_found_once_and_nothing_else_is_reported() =>
        Columns.Select(Columns).Sample((before, after) =>
        {
            var changes = StreamSchema.Compare(before, after);
            var old = before.ToDictionary(c => c.Name, c => c.Kind);
            var now = after.ToDictionary(c => c.Name, c => c.Kind);
            var expected = after.Where(c => !old.ContainsKey(c.Name)).Select(c => (c.Name, SchemaChangeKind.Added))
                .Concat(after.Where(c => old.TryGetValue(c.Name, out var k) && k != c.Kind).Select(c => (c.Name, SchemaChangeKind.Retyped)))
                .Concat(before.Where(c => !now.ContainsKey(c.Name)).Select(c => (c.Name, SchemaChangeKind.Removed)))
                .ToHashSet();
            return changes.Select(c => (c.Column, c.Change)).ToHashSet().SetEquals(expected) && changes.Count == expected.Count
                && changes.All(c => c.Breaking == (c.Change != SchemaChangeKind.Added));
        });

    [Fact]
    public void The_same_columns_or_a_first_run_are_no_change_and_only_a_first_run_or_a_different_file_writes_a_schema_file() =>
        Columns.Sample(columns =>
            StreamSchema.Compare(columns, columns).Count == 0 && StreamSchema.Compare(null, columns).Count == 0
            && !StreamSchema.FileChanged(columns, columns) && StreamSchema.FileChanged(null, columns));

    [Fact]
    public void A_kept_schema_reads_back_as_it_was_written() =>
        Columns.Sample(columns => StreamSchema.Parse(StreamSchema.Serialize(columns))!.Select(c => (c.Name, c.Kind, c.Nullable))
            .SequenceEqual(columns.Select(c => (c.Name, c.Kind, c.Nullable))));

    [Fact]
    public void A_column_that_only_became_required_writes_a_new_file_but_is_no_change_of_kind()
    {
        SourceColumn[] before = [new("id", ColumnKind.Integer, "", true)];
        SourceColumn[] after = [new("id", ColumnKind.Integer, "", false)];
        Assert.Empty(StreamSchema.Compare(before, after));
        Assert.True(StreamSchema.FileChanged(before, after));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"name\":\"x\"}")]
    [InlineData("[{\"name\":\"x\",\"kind\":\"Nope\"}]")]
    [InlineData("[{\"name\":\"x\",\"kind\":\"99\"}]")]
    [InlineData("[{\"kind\":\"Text\"}]")]
    public void A_kept_schema_that_cannot_be_read_counts_as_none(string? json) => Assert.Null(StreamSchema.Parse(json));

    [Fact]
    public void Changes_are_described_in_words_and_typed_as_bigquery_names_in_json()
    {
        var changes = StreamSchema.Compare(
            [new("a", ColumnKind.Real, ""), new("b", ColumnKind.Text, "")],
            [new("a", ColumnKind.Text, ""), new("c", ColumnKind.Timestamp, "")]);
        Assert.Equal(["column a changed from real to text", "column c added (timestamp)", "column b removed (was text)"], changes.Select(c => c.Describe()));
        Assert.Equal("""{"column":"a","change":"retyped","before":"FLOAT","after":"STRING"}""", changes[0].ToJson().ToJsonString());
    }

    [Fact]
    public void Schema_files_live_under_the_prefix_by_stream_and_run() =>
        Assert.Equal("acme/exports/_schemas/orders/42.json", StreamSchema.Key("acme/exports", "orders", 42));

    [Fact]
    public void The_manifest_flags_a_changed_stream_and_lists_its_changes()
    {
        var changes = StreamSchema.Compare([new("a", ColumnKind.Real, "")], [new("b", ColumnKind.Real, "")]);
        var run = new ManifestRun(7, "c", "StreamExport", RunManifest.Succeeded, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var json = RunManifest.Build(run, [
            new ManifestStream("changed", null, "5", 5, [], "_schemas/changed/7.json") { SchemaChanges = changes },
            new ManifestStream("same", null, "5", 5, [], "_schemas/same/3.json"),
        ]).ToJsonString();

        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("schema_changed").GetBoolean());
        var streams = doc.RootElement.GetProperty("streams");
        Assert.True(streams[0].GetProperty("schema_changed").GetBoolean());
        Assert.Equal(["added", "removed"], streams[0].GetProperty("schema_changes").EnumerateArray().Select(c => c.GetProperty("change").GetString()));
        Assert.False(streams[1].GetProperty("schema_changed").GetBoolean());
        Assert.Equal(0, streams[1].GetProperty("schema_changes").GetArrayLength());
    }
}
