namespace Portal.IntegrationTests.Buckets;

using System.Text;
using Portal.Core.Buckets;
using Portal.Core.Formats;
using Portal.Infrastructure.Buckets;
using Portal.Tests.Shared;

/// <summary>Previews of each format against Ceph, reading only the start of an object.</summary>
[Collection(CephCollection.Name)]
public sealed class ObjectPreviewTests(CephServer ceph)
{
    private const string Csv = "id,name,note\n1,AC/DC,\"rock, loud\"\n2,Accept,\n";
    private const string Ndjson = "{\"id\":1,\"name\":\"AC/DC\"}\n{\"id\":2,\"name\":\"Accept\",\"country\":\"DE\"}\n";

    [Theory]
    [InlineData("acme/p/artists.csv", false, PreviewKind.Csv)]
    [InlineData("acme/p/artists.csv.gz", true, PreviewKind.Csv)]
    public async Task Csv_and_its_gz_form_preview_as_a_table(string key, bool gzip, PreviewKind format)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync(key, gzip ? BucketHarness.Gzip(Csv) : Encoding.UTF8.GetBytes(Csv));

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, key, default);

        Assert.Equal((ObjectPreview.TableKind, format, gzip, false), (preview.Kind, preview.Format, preview.Gzip, preview.Truncated));
        Assert.Equal(["id", "name", "note"], preview.Table!.Columns);
        Assert.Equal(["1", "AC/DC", "rock, loud"], preview.Table.Rows[0]);
        Assert.Equal(2, preview.Table.Rows.Count);
    }

    [Theory]
    [InlineData("acme/p/artist_000000000000.ndjson.gz", true)]
    [InlineData("acme/p/artists.ndjson", false)]
    [InlineData("acme/p/artists.jsonl", false)]
    [InlineData("acme/p/artists.jsonl.gz", true)]
    public async Task Ndjson_and_jsonl_and_their_gz_forms_preview_as_a_table(string key, bool gzip)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync(key, gzip ? BucketHarness.Gzip(Ndjson) : Encoding.UTF8.GetBytes(Ndjson));

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, key, default);

        Assert.Equal((ObjectPreview.TableKind, PreviewKind.Ndjson), (preview.Kind, preview.Format));
        Assert.Equal(["id", "name", "country"], preview.Table!.Columns);
        Assert.Equal(["2", "Accept", "DE"], preview.Table.Rows[1]);
    }

    [Theory]
    [InlineData("acme/p/schema.json", false)]
    [InlineData("acme/p/schema.json.gz", true)]
    public async Task Json_and_its_gz_form_preview_as_indented_text(string key, bool gzip)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        const string json = "[{\"name\":\"id\",\"type\":\"INTEGER\"}]";
        await h.PutAsync(key, gzip ? BucketHarness.Gzip(json) : Encoding.UTF8.GetBytes(json));

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, key, default);

        Assert.Equal((ObjectPreview.TextKind, PreviewKind.Json), (preview.Kind, preview.Format));
        Assert.Contains("\n", preview.Text, StringComparison.Ordinal);
        Assert.Contains("\"INTEGER\"", preview.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme/logs/run.log", false)]
    [InlineData("acme/logs/run.txt.gz", true)]
    public async Task Text_and_its_gz_form_stop_after_100_lines(string key, bool gzip)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var text = string.Concat(Enumerable.Range(1, 1000).Select(i => $"line {i}\n"));
        await h.PutAsync(key, gzip ? BucketHarness.Gzip(text) : Encoding.UTF8.GetBytes(text));

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, key, default);

        Assert.Equal((ObjectPreview.TextKind, true), (preview.Kind, preview.Truncated));
        Assert.Equal(100, preview.Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("line 100\n", preview.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_large_text_file_is_read_only_as_far_as_64_KiB()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var line = new string('x', 4000) + "\n";
        await h.PutAsync("acme/big.txt", string.Concat(Enumerable.Repeat(line, 2000))); // 8 MB, 2,000 long lines

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, "acme/big.txt", default);

        Assert.True(preview.Truncated);
        Assert.Equal(64 * 1024, preview.BytesRead);
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(preview.Text!));
    }

    [Fact]
    public async Task A_large_gz_file_is_decompressed_only_as_far_as_the_preview_needs()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < 300_000; i++) text.Append("{\"id\":").Append(i).Append(",\"v\":\"").Append(random.NextInt64().ToString("x16")).Append("\"}\n");
        var gz = BucketHarness.Gzip(text.ToString());
        await h.PutAsync("acme/big.ndjson.gz", gz);

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, "acme/big.ndjson.gz", default);

        Assert.True(gz.Length > 4 * 1024 * 1024, $"the file is {gz.Length} bytes");
        Assert.Equal(100, preview.Table!.Rows.Count);
        Assert.True(preview.Truncated);
        Assert.True(preview.BytesRead < 1024 * 1024, $"read {preview.BytesRead} of {gz.Length} bytes");
    }

    [Fact]
    public async Task Parquet_shows_its_schema_and_first_rows()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/p/tracks.parquet", await ParquetAsync(250));

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, "acme/p/tracks.parquet", default);

        Assert.Equal((ObjectPreview.ParquetKind, 250L, true), (preview.Kind, preview.TotalRows, preview.Truncated));
        Assert.Equal([("id", "int64"), ("name", "string"), ("price", "decimal(10,2)"), ("at", "timestamp(micros)")],
            preview.Schema!.Select(c => (c.Name, c.Type)));
        Assert.Equal(["id", "name", "price", "at"], preview.Table!.Columns);
        Assert.Equal(100, preview.Table.Rows.Count);
        Assert.Equal(["0", "track 0 Ü", "0.99", "2025-04-15T11:23:00Z"], preview.Table.Rows[0]);
    }

    [Fact]
    public async Task A_parquet_file_of_several_row_groups_is_read_only_as_far_as_its_first()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var bytes = await ParquetAsync(3 * ParquetRowWriter.RowGroupRows);
        await h.PutAsync("acme/p/three-groups.parquet", bytes);

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, "acme/p/three-groups.parquet", default);

        Assert.Equal(150_000, preview.TotalRows);
        Assert.Equal(100, preview.Table!.Rows.Count);
        Assert.True(preview.BytesRead < bytes.Length * 0.6, $"read {preview.BytesRead} of {bytes.Length} bytes");
    }

    [Fact]
    public async Task A_parquet_file_whose_first_row_group_passes_the_limit_shows_its_schema_only()
    {
        using var h = await BucketHarness.CreateAsync(ceph, new Dictionary<string, string?> { ["Portal:Buckets:ParquetMaxBytes"] = "200000" });
        var bytes = await ParquetAsync(40_000);
        await h.PutAsync("acme/p/big.parquet", bytes);

        var preview = await h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, "acme/p/big.parquet", default);

        Assert.True(bytes.Length > 200_000, $"the file is {bytes.Length} bytes");
        Assert.True(preview.Schema is not null, $"{preview.Kind}: {preview.Message}");
        Assert.Equal(4, preview.Schema.Count);
        Assert.Null(preview.Table);
        Assert.Contains("download the file", preview.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(preview.BytesRead <= 200_000, $"read {preview.BytesRead}");
    }

    [Fact]
    public async Task Binary_empty_and_broken_gz_objects_say_why_there_is_no_preview()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/blob.bin", [0x00, 0x01, 0x02, 0xFF]);
        await h.PutAsync("acme/empty.csv", []);
        await h.PutAsync("acme/fake.csv.gz", "not gzip at all");
        var previewer = h.Get<ObjectPreviewer>();

        Assert.Equal(ObjectPreview.NoneKind, (await previewer.PreviewAsync(h.Connection, "acme/blob.bin", default)).Kind);
        Assert.Equal("The object is empty.", (await previewer.PreviewAsync(h.Connection, "acme/empty.csv", default)).Message);
        var fake = await previewer.PreviewAsync(h.Connection, "acme/fake.csv.gz", default);
        Assert.Equal(ObjectPreview.NoneKind, fake.Kind);
        Assert.Contains("not a gzip file", fake.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ParquetAsync(int rows)
    {
        var buffer = new MemoryStream();
        var random = new Random(3);
        await using (var writer = new ParquetRowWriter(buffer, [
            new SourceColumn("id", ColumnKind.Integer, "INTEGER"), new SourceColumn("name", ColumnKind.Text, "TEXT"),
            new SourceColumn("price", ColumnKind.Decimal, "NUMERIC(10,2)"), new SourceColumn("at", ColumnKind.Timestamp, "DATETIME")]))
        {
            for (var i = 0; i < rows; i++)
            {
                var name = i == 0 ? "track 0 Ü" : $"track {i} {random.NextInt64():x16}{random.NextInt64():x16}";
                await writer.WriteRowAsync([(long)i, name, 0.99m + i, new DateTime(2025, 4, 15, 11, 23, 0, DateTimeKind.Utc).AddSeconds(i)], default);
            }
            await writer.CompleteAsync(default);
        }
        return buffer.ToArray();
    }
}
