locals {
  log_groups = {
    parent_host   = "/${var.name}/parent-host"
    vsock_proxy   = "/${var.name}/vsock-proxy"
    nitro_enclave = "/${var.name}/nitro-enclaves"
    boot          = "/${var.name}/boot"
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = local.tags
}
