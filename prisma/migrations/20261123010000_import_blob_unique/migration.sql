-- CreateIndex
CREATE UNIQUE INDEX "import_jobs_app_blob_name_key" ON "import_jobs"("app", "blob_name");
