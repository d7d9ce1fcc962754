#!/usr/bin/perl
# Writes the seed corpus of the xls fuzz target (legacy BIFF8 workbooks) with
# Spreadsheet::WriteExcel (Debian: libspreadsheet-writeexcel-perl). The outputs are committed;
# rerun after changing a seed here:  perl fuzz/corpus/make_xls_seeds.pl
use strict;
use warnings;
use utf8;
use File::Basename qw(dirname);
use Spreadsheet::WriteExcel;

my $dir = dirname(__FILE__) . "/xls";
mkdir $dir;

sub book {
    my ($name, $fill) = @_;
    my $wb = Spreadsheet::WriteExcel->new("$dir/$name") or die "$name: $!";
    $fill->($wb);
    $wb->close();
}

# Thai text (UTF-16 strings in the SST), numbers, a date with a date format, formulas.
book("thai-types.xls", sub {
    my $wb = shift;
    my $ws = $wb->add_worksheet("ข้อมูล");
    my $date = $wb->add_format(num_format => 'd/m/yyyy');
    my $time = $wb->add_format(num_format => 'd/m/yyyy hh:mm');
    $ws->write_row(0, 0, ["จังหวัด", "ประชากร", "วันที่", "เวลา", "สัดส่วน", "ใช่"]);
    $ws->write_row(1, 0, ["เชียงใหม่", 12345]);
    $ws->write_number(1, 2, 45322, $date);
    $ws->write_number(1, 3, 45322.4375, $time);
    $ws->write_number(1, 4, 0.125);
    $ws->write_formula(1, 5, '=TRUE()');
    $ws->write_row(2, 0, ["ขอนแก่น", -7, undef, undef, 1e300]);
    $ws->write_formula(3, 1, '=SUM(B2:B3)');
});

book("two-sheets.xls", sub {
    my $wb = shift;
    $wb->add_worksheet("Summary")->write(0, 0, "notes");
    my $ws = $wb->add_worksheet("Data");
    $ws->write_col(0, 0, ["id", 1, 2, 3]);
    $ws->write_col(0, 1, ["code", "007", "010", "100"]);
});

book("wide.xls", sub {
    my $ws = shift->add_worksheet("Wide");
    $ws->write(0, $_, "c$_") for 0 .. 255;
    $ws->write(1, $_, $_) for 0 .. 255;
});

book("sparse-far.xls", sub {
    my $ws = shift->add_worksheet("Far");
    $ws->write(0, 0, "a");
    $ws->write(9000, 200, "far");
});

book("long-string.xls", sub {
    my $ws = shift->add_worksheet("Long");
    $ws->write(0, 0, "text");
    $ws->write(1, 0, "ก" x 30000);
});

book("empty-sheet.xls", sub { shift->add_worksheet("Empty") });

# Damaged copies of the first: cut in half, the OLE2 header alone, a sector shift of 2^30, a FAT
# that claims 2^31 sectors.
open(my $in, "<:raw", "$dir/thai-types.xls") or die;
my $good = do { local $/; <$in> };
close $in;
sub put {
    my ($name, $bytes) = @_;
    open(my $out, ">:raw", "$dir/$name") or die;
    print $out $bytes;
    close $out;
}
put("truncated.xls", substr($good, 0, length($good) / 2));
put("ole2-header-only.xls", substr($good, 0, 512));
my $shift = $good;
substr($shift, 30, 2) = pack("v", 30);
put("huge-sector-shift.xls", $shift);
my $fat = $good;
substr($fat, 44, 4) = pack("V", 0x7fffffff);
put("huge-fat-count.xls", $fat);
put("empty", "");
