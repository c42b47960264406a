# R reads a run file with ncdf4 and with hdf5r, as docs/analysis.md shows, and both see the same
# trajectory: dates decoded from the time units, event codes decoded from flag_meanings, the lattice
# snapshots, the root attributes; citizens by state add up to the citizens every tick.
# usage: Rscript check_r_readers.R RUN.h5 TICKS SEED
# Without the R packages the test skips itself (exit 77, reported as skipped by CTest).
missing <- Filter(function(p) !requireNamespace(p, quietly = TRUE), c("ncdf4", "hdf5r"))
if (length(missing) > 0) {
  cat("skipped: the R package(s)", paste(missing, collapse = ", "),
      "are not installed (bash scripts/install-deps.sh installs r-cran-ncdf4 and r-cran-hdf5r)\n")
  quit(status = 77)
}
suppressPackageStartupMessages({
  library(ncdf4)
  library(hdf5r)
})
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
ticks <- as.integer(args[2])
seed <- as.numeric(args[3])
problems <- character(0)
expect <- function(ok, what) if (!isTRUE(ok)) problems <<- c(problems, what)

nc <- nc_open(path)
active <- ncvar_get(nc, "active")
origin <- sub("days since ", "", ncatt_get(nc, "time", "units")$value)
dates <- as.Date(ncvar_get(nc, "time"), origin = origin)
expect(length(active) == ticks + 1, sprintf("ncdf4: %d values of active, expected %d", length(active), ticks + 1))
expect(dates[1] == as.Date("2000-01-01") && dates[ticks + 1] == as.Date("2000-01-01") + ticks,
       "ncdf4: dates not decoded from the time units")
citizens <- nc$dim$citizen$len
states <- ncvar_get(nc, "quiescent") + active + ncvar_get(nc, "jailed")
expect(all(states == citizens), "ncdf4: quiescent + active + jailed is not the number of citizens every tick")
kind <- ncvar_get(nc, "events/kind")
names <- strsplit(ncatt_get(nc, "events/kind", "flag_meanings")$value, " ")[[1]]
values <- ncatt_get(nc, "events/kind", "flag_values")$value
decoded <- names[match(kind, values)]
expect(length(kind) > 0 && all(decoded == "arrest"), "ncdf4: event kinds not decoded to 'arrest'")
arrested <- ncvar_get(nc, "events/arrested")
expect(sum(arrested) == sum(ncvar_get(nc, "arrests")), "ncdf4: the events' arrests differ from the series'")
cells <- ncvar_get(nc, "cell_state")
expect(length(dim(cells)) == 3 && dim(cells)[1] == nc$dim$x$len && dim(cells)[2] == nc$dim$y$len,
       "ncdf4: cell_state is not (x, y, snapshot_time)")
cops <- ncvar_get(nc, "cops")
expect(sum(cells[, , 1] == 4) == cops[1], "ncdf4: the first snapshot's cop cells differ from the cops series")
nc_close(nc)

f <- H5File$new(path, mode = "r")
expect(all(f[["active"]]$read() == active), "hdf5r: active differs from what ncdf4 read")
expect(h5attr(f, "seed") == seed, "hdf5r: the seed attribute is not the run's seed")
expect(grepl("epstein", h5attr(f, "scenario_text")), "hdf5r: no scenario text")
expect(all(f[["events/kind"]]$read() == kind), "hdf5r: event kinds differ from what ncdf4 read")
f$close_all()

if (length(problems) > 0) {
  cat(problems, sep = "\n")
  quit(status = 1)
}
cat(sprintf("R read %s with ncdf4 and hdf5r: %d ticks, %d events, %d snapshots\n", path, ticks, length(kind),
            dim(cells)[3]))
