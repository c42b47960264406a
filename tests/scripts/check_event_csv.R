# R's read.csv reads confsim's ACLED and UCDP exports with the types the datasets have: counts and
# codes are integers, dates convert with as.Date, and the deaths add up to the run's killed (read
# from the run file with ncdf4).
# usage: Rscript check_event_csv.R ACLED.csv UCDP.csv RUN.h5
if (!requireNamespace("ncdf4", quietly = TRUE)) {
  cat("skipped: the R package ncdf4 is not installed (bash scripts/install-deps.sh installs r-cran-ncdf4)\n")
  quit(status = 77)
}
args <- commandArgs(trailingOnly = TRUE)
nc <- ncdf4::nc_open(args[3])
killed <- sum(ncdf4::ncvar_get(nc, "events/killed"))
ncdf4::nc_close(nc)
problems <- character(0)
expect <- function(ok, what) if (!isTRUE(ok)) problems <<- c(problems, what)

acled <- read.csv(args[1], stringsAsFactors = FALSE, encoding = "UTF-8")
for (column in c("year", "time_precision", "inter1", "interaction", "iso", "fatalities"))
  expect(is.integer(acled[[column]]), paste("ACLED", column, "is", class(acled[[column]])))
expect(!anyNA(as.Date(acled$event_date)), "ACLED event_date does not convert with as.Date")
expect(sum(acled$fatalities) == killed, paste("ACLED fatalities", sum(acled$fatalities), "!= killed", killed))
expect(all(is.na(acled$latitude)), "ACLED latitude is not empty")
expect("Protests" %in% acled$event_type, "no protests in the ACLED export")

ucdp <- read.csv(args[2], stringsAsFactors = FALSE, encoding = "UTF-8")
for (column in c("type_of_violence", "best", "low", "high", "deaths_civilians", "country_id"))
  expect(is.integer(ucdp[[column]]), paste("UCDP", column, "is", class(ucdp[[column]])))
expect(!anyNA(as.Date(ucdp$date_start)), "UCDP date_start does not convert with as.Date")
expect(sum(ucdp$best) == killed, paste("UCDP best", sum(ucdp$best), "!= killed", killed))

if (length(problems) > 0) {
  cat(problems, sep = "\n")
  quit(status = 1)
}
cat("R reads", nrow(acled), "ACLED rows and", nrow(ucdp), "UCDP rows with their types\n")
