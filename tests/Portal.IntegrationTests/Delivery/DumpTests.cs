namespace Portal.IntegrationTests.Delivery;

using System.Text.Json;
using Portal.Tests.Shared;

[Collection(CephCollection.Name)]
public sealed class DumpTests(CephServer ceph)
{
    private static readonly DateTimeOffset Load = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);

    [Fact]
    public async Task Every_chinook_table_is_dumped_as_ndjson_gz_and_every_value_matches_the_source()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("dump"));

        var outcome = await dump.RunAsync(1, Load);

        foreach (var table in ChinookExpectations.Tables())
        {
            var stream = outcome.Streams.Single(s => string.Equals(s.Name, table, StringComparison.OrdinalIgnoreCase));
            Assert.All(stream.Files, f => Assert.StartsWith($"portal/2025-04-14T11:23/{stream.Name}/{stream.Name}_", f.Key, StringComparison.Ordinal));
            var lines = new List<string>();
            foreach (var file in stream.Files) lines.AddRange((await dump.TextAsync(file.Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var expected = ChinookExpectations.Rows(table);
            Assert.Equal(expected.Count, lines.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                using var json = JsonDocument.Parse(lines[i]);
                var properties = json.RootElement.EnumerateObject().ToList();
                Assert.Equal(expected[i].Select(c => c.Column), properties.Select(p => p.Name)); // source order
                foreach (var (column, declared, raw) in expected[i])
                {
                    var value = json.RootElement.GetProperty(column);
                    if (raw is null) Assert.Equal(JsonValueKind.Null, value.ValueKind);
                    else if (ChinookExpectations.IsJsonNumber(declared, raw)) Assert.Equal(ChinookExpectations.Text(declared, raw), value.GetRawText());
                    else Assert.Equal(ChinookExpectations.Text(declared, raw), value.GetString());
                }
            }
        }
        Assert.Equal(0, await dump.OpenUploadsAsync());
    }

    [Fact]
    public async Task The_receipt_is_written_last_and_agrees_with_the_bucket()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("dump"));

        var outcome = await dump.RunAsync(42, Load);

        Assert.Equal("portal/receipt.json", outcome.Keys[^1]);
        using var receipt = JsonDocument.Parse(await dump.TextAsync("portal/receipt.json"));
        var root = receipt.RootElement;
        Assert.Equal("2025-04-14T11:23:45.000000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(42, root.GetProperty("run_id").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("previous").ValueKind);
        var listing = await dump.ListAsync("portal/");
        foreach (var table in ChinookExpectations.Tables())
        {
            var entry = root.GetProperty("tables").GetProperty(table.ToLowerInvariant());
            var folder = entry.GetProperty("folder").GetString()!;
            Assert.Equal($"portal/2025-04-14T11:23/{table.ToLowerInvariant()}", folder);
            var inFolder = listing.Where(o => o.Key.StartsWith(folder + "/", StringComparison.Ordinal)).ToList();
            Assert.Equal(entry.GetProperty("total_file_count").GetInt32(), inFolder.Count);
            Assert.Equal(ChinookExpectations.Rows(table).Count, entry.GetProperty("row_count").GetInt64());
            var schemaKey = entry.GetProperty("schemas").GetProperty("bigquery").GetString()!;
            Assert.Equal($"portal/2025-04-14T11:23/schemas/bigquery/{table.ToLowerInvariant()}.json", schemaKey);
            using var schema = JsonDocument.Parse(await dump.TextAsync(schemaKey));
            Assert.All(schema.RootElement.EnumerateArray(), c => Assert.Contains(c.GetProperty("mode").GetString(), new[] { "NULLABLE", "REQUIRED" }));
            long bytes = 0;
            foreach (var file in entry.GetProperty("files").EnumerateArray())
            {
                var key = file.GetProperty("key").GetString()!;
                var body = await dump.GetAsync(key);
                Assert.Equal(listing[key], file.GetProperty("bytes").GetInt64());
                Assert.Equal(body.Length, file.GetProperty("bytes").GetInt64());
                Assert.Equal(DumpHarness.Sha256(body), file.GetProperty("sha256").GetString());
                bytes += body.Length;
            }
            Assert.Equal(bytes, entry.GetProperty("bytes").GetInt64());
        }
    }

    [Fact]
    public async Task A_second_dump_points_back_at_the_first()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("dump"));
        await dump.RunAsync(1, Load);

        await dump.RunAsync(2, Load.AddDays(1));

        using var receipt = JsonDocument.Parse(await dump.TextAsync("portal/receipt.json"));
        var previous = receipt.RootElement.GetProperty("previous");
        Assert.Equal("2025-04-14T11:23:45.000000Z", previous.GetProperty("timestamp").GetString());
        Assert.Equal("portal/2025-04-14T11:23", previous.GetProperty("folder").GetString());
        Assert.Equal("portal/2025-04-15T11:23", receipt.RootElement.GetProperty("folder").GetString());
    }

    [Fact]
    public async Task A_small_part_size_splits_a_table_into_many_parts_whose_rows_add_up()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("dump"));
        dump.Connection.Streams.RemoveAll(s => s.Table != "Track");
        dump.Connection.Compression = "none";
        dump.Connection.MaxPartBytes = 64 * 1024;

        var outcome = await dump.RunAsync(1, Load);

        var files = outcome.Streams.Single().Files;
        Assert.True(files.Count >= 10, $"only {files.Count} parts");
        Assert.Equal(files.Select((_, i) => $"portal/2025-04-14T11:23/track/track_{i:D12}.ndjson"), files.Select(f => f.Key));
        var lines = new List<string>();
        foreach (var f in files) lines.AddRange((await dump.TextAsync(f.Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var expected = ChinookExpectations.Rows("Track");
        Assert.Equal(expected.Count, lines.Count);
        Assert.Equal(expected.Select(r => (long)r[0].Value!), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("TrackId").GetInt64()));
        Assert.All(files, f => Assert.Equal(f.Rows, 0L + f.Rows));
    }

    [Theory]
    [InlineData("fastest")]
    [InlineData("optimal")]
    [InlineData("smallest")]
    public async Task Gzip_parts_of_blocks_compressed_in_parallel_read_back_with_gzip_python_and_dotnet_at_every_level(string level)
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("gz"));
        dump.Connection.Streams.RemoveAll(s => s.Table != "Track");
        dump.Connection.CompressionLevel = level;
        dump.Connection.MaxPartBytes = 256 * 1024; // blocks of 64 KiB: several gzip members per part, and two parts

        var outcome = await dump.RunAsync(1, Load);

        var files = outcome.Streams.Single().Files;
        Assert.True(files.Count >= 1);
        var lines = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(dump.App.DataDirectory, Path.GetFileName(file.Key));
            await File.WriteAllBytesAsync(path, await dump.GetAsync(file.Key));
            var dotnet = await dump.TextAsync(file.Key);
            Assert.Equal(dotnet, await OutputAsync("gzip", "-dc", path));
            Assert.Equal(dotnet, await OutputAsync("python3", "-c", "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())", path));
            lines.AddRange(dotnet.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal(ChinookExpectations.Rows("Track").Select(r => (long)r[0].Value!), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("TrackId").GetInt64()));
    }

    private static async Task<string> OutputAsync(string program, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program}: {await error}");
        return await output;
    }

    [Fact]
    public async Task Csv_files_carry_a_header_and_every_value_as_text()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("dump"));
        dump.Connection.Format = "csv";

        var outcome = await dump.RunAsync(1, Load);

        foreach (var table in ChinookExpectations.Tables())
        {
            var stream = outcome.Streams.Single(s => string.Equals(s.Name, table, StringComparison.OrdinalIgnoreCase));
            var text = string.Concat(await Task.WhenAll(stream.Files.Select(f => dump.TextAsync(f.Key))));
            var records = Csv.Parse(text);
            var expected = ChinookExpectations.Rows(table);
            Assert.Equal(expected[0].Select(c => (string?)c.Column), records[0]);
            Assert.Equal(expected.Count, records.Count - 1);
            for (var i = 0; i < expected.Count; i++)
                Assert.Equal(expected[i].Select(c => ChinookExpectations.Text(c.Declared, c.Value)), records[i + 1]);
        }
    }
}
